def seed() -> list[str]:
    """Demo articles for `seed_demo`; returns the slugs it created."""
    return []
