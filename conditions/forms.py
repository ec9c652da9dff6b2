from django import forms

from .models import ProblemReport


class ProblemReportForm(forms.ModelForm):
    class Meta:
        model = ProblemReport
        fields = ["page", "message", "contact"]
        labels = {
            "message": "What is wrong or unclear on this page?",
            "contact": "Your email, if you would like a reply (optional)",
        }
        help_texts = {"contact": "We use it only to answer this report."}
        widgets = {
            "page": forms.HiddenInput,
            "message": forms.Textarea(attrs={"rows": 6, "maxlength": 2000}),
        }

    def clean_page(self):
        page = self.cleaned_data["page"].strip()
        # Only a path on this site: never another site's address, never a scheme.
        if not page.startswith("/") or page.startswith("//") or "\\" in page:
            raise forms.ValidationError("This report is not linked to a page of this site.")
        return page

    def clean_message(self):
        message = self.cleaned_data["message"].strip()
        if len(message) < 5:
            raise forms.ValidationError("Please tell us a little more (at least 5 characters).")
        return message
