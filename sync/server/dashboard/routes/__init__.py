"""The dashboard's routers, one per area; ``ROUTERS`` is what ``mount`` includes."""

from sync.server.dashboard.routes import (
    accounts,
    campaigns,
    devices,
    exports,
    held,
    lists,
    monitoring,
    overview,
    roster,
    spotchecks,
)

ROUTERS = (overview.router, roster.router, spotchecks.router, devices.router, accounts.router, exports.router,
           lists.router, monitoring.router, campaigns.router, held.router)
