from django.conf import settings
from django.db import models


class Task(models.Model):
    # Keyed by username, which is also the connection token's "sub": tasks.get_stats
    # filters on user_id with the string the guide passes.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, to_field="username", on_delete=models.CASCADE)
    title = models.CharField(max_length=200, blank=True)
    status = models.CharField(
        max_length=20, choices=[("pending", "pending"), ("completed", "completed")], default="pending"
    )
    created_at = models.DateTimeField(auto_now_add=True)
