"""Media in an S3-compatible bucket (django-storages), for when several web machines serve the site."""

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage


class MediaBucketStorage(S3Storage):
    """Files live in the bucket, but their addresses stay under MEDIA_URL: accounts.views.media
    streams them after its checks, so members' pictures stay for members, data exports are never
    served, the bucket stays private and the Content Security Policy keeps allowing only this site."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        return f"{settings.MEDIA_URL}{filepath_to_uri(name)}"
