"""Long work off the request (#16 item 7): what one person asked for, run by the job
cluster, followed on its page (/travaux/<pk>/), its result kept seven days.

`models` holds BackgroundWork; `services` creates, runs and records it. The apps that
ask for work name their job by a dotted path (pacte.work.services.JOBS): the
foundation runs it without importing them.
"""
