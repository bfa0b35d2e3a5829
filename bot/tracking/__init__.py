"""Following recalls until Motive has the footage: the tracker and its check schedule, the
webhook endpoint Motive calls, health, and the Notifier interface answers go out through."""
