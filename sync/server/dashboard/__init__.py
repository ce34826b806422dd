"""The county dashboard: login, overview per county / township / village,
roster import, spot checks, exports, devices and the access log (HTML pages
rendered on the server, Chinese first with English)."""
