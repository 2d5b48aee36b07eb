"""Writes to a person's own profile."""


def set_name(*, user, full_name: str, pronouns: str | None = None) -> None:
    """Keep the name (and pronouns, when given) a person typed on a form that asks for them."""
    user.full_name = full_name.strip()
    fields = ["full_name"]
    if pronouns is not None:
        user.pronouns = pronouns.strip()
        fields.append("pronouns")
    user.save(update_fields=fields)
