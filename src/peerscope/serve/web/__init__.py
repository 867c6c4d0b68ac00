"""Web pages: server-rendered HTML over the store's read queries.

``routes`` holds the HTTP handlers, ``views`` the template environment and page helpers,
``filters`` the pure formatting functions templates use. Every page works without JavaScript.
"""
