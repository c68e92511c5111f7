"""Pages for a browser: the wall (`/wall`), the login form and the report form (`/report`).

Server-rendered HTML, every value escaped; a little plain JavaScript, served as a file so the
Content-Security-Policy can forbid inline script, keeps the wall current from the event stream.
The routes are in `routes`; this module imports nothing so `auth` can use `paths` freely.
"""
