from django import forms


class NotificationPreferenceForm(forms.Form):
    email_each = forms.BooleanField(label="Присылать письмо о каждом уведомлении", required=False)
    email_digest = forms.BooleanField(label="Присылать ежедневную сводку непрочитанных", required=False)
