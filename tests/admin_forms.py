"""Post an admin change form back as a browser would (shared by the admin tests and bench/admin.py)."""

from django.forms import FileField


def posted_form(client, url: str) -> dict:
    """The form's current values, inline management forms and blank extra rows included."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    data = {}
    admin_form = response.context["adminform"]
    # The main form's fields as the page renders them (a field left out of the fieldsets is
    # not posted by a browser either), then every field of the inline rows.
    shown = {
        field.field.name
        for fieldset in admin_form
        for line in fieldset
        for field in line
        if not field.is_readonly
    }
    for name in shown:
        value = admin_form.form[name].value()
        if value is not None and not isinstance(admin_form.form.fields[name], FileField):
            data[admin_form.form.add_prefix(name)] = value
    forms = []
    for inline in response.context.get("inline_admin_formsets", []):
        management = inline.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        forms.extend(inline.formset.forms)
    for form in forms:
        for name, field in form.fields.items():
            if isinstance(field, FileField):
                continue  # an unchanged upload is not posted again
            value = form[name].value()
            if value is not None:
                data[form.add_prefix(name)] = value
    return data
