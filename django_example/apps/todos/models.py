from django.db import models


class Todo(models.Model):
    # Centrifugo's user (the connection token's "sub"), as handlers see it in conn.user_id.
    user_id = models.CharField(max_length=150, db_index=True)
    title = models.CharField(max_length=200)
    completed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
