"""`rq cron jobs.cron`: the one scheduler process.

Every minute it enqueues each lane with due work: documents whose scheduled hour arrived,
retries whose backoff ended, and (as the reconciler) anything pending that lost its job when
Redis was emptied or a worker died. Store hours live in the database and change at run time,
so one tick with a per-store "due?" check replaces a cron entry per store. The webhook tick
does the same for Accurate -> iSeller: each store's daily webhook renewal, its hourly
catch-up from webhook-history.do, and webhook rows and iSeller notices whose time came.
The iSeller tick enqueues each store with iSeller webhook notices due (retries, lost jobs).
The iSeller token tick refreshes each connected store's token within two days of its expiry,
so a store that makes no calls for 14 days stays connected; hourly is plenty for that margin
and, iSeller down, retries the refresh every hour.
"""

from rq import cron

from isacc.sync.lanes import QUEUE
from jobs.iseller import refresh_tokens
from jobs.iseller import tick as iseller_tick
from jobs.sync import dispatch_due
from jobs.webhooks import tick as webhooks_tick

cron.register(dispatch_due, QUEUE, interval=60, result_ttl=300, name="dispatch-due")
cron.register(webhooks_tick, QUEUE, interval=60, result_ttl=300, name="webhooks-tick")
cron.register(iseller_tick, QUEUE, interval=60, result_ttl=300, name="iseller-tick")
# Each refresh is one OAuth call (up to 35 s when iSeller hangs): room for many stores.
cron.register(refresh_tokens, QUEUE, interval=3600, result_ttl=300, job_timeout=1800,
              name="iseller-tokens")
