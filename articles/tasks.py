from django.tasks import task

from articles import emails


@task(queue_name="email")
def send_article_emails(article_id: int) -> dict:
    return emails.send_for(article_id)
