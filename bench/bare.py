"""The yardstick: a bare Flask + Jinja page of the same size as a thread page, from memory.

20 items of about 1 KB each and the same page chrome, no database, no extensions.
"""

from __future__ import annotations

from flask import Flask

PARAGRAPH = (
    "Knowledge management for biodiversity needs shared habits more than new tools: "
    "focal points who meet, datasets with open licences and lessons that are written down. "
)
ITEMS = [
    {
        "id": 1000 + i,
        "position": i + 1,
        "author": f"member{i}",
        "name": f"Member Number {i}",
        "when": "05 Sep 2023, 12:00 UTC",
        "html": "<p>" + PARAGRAPH * 5 + "</p>",
    }
    for i in range(20)
]
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title>
<link rel="stylesheet" href="/static/css/forum.css"></head>
<body><header><a href="/">KM4B Forum</a></header><main><h1>{{ title }}</h1>
<ol class="posts">
{% for item in items %}<li class="post" id="p{{ item.id }}"><article>
<header><h2><a href="/u/{{ item.author }}">{{ item.name }}</a></h2>
<p><a href="/p/{{ item.id }}">#{{ item.position }}</a> <time>{{ item.when }}</time></p></header>
<div class="body">{{ item.html|safe }}</div></article></li>
{% endfor %}</ol></main><footer><p>KM4B Forum</p></footer></body></html>
"""

app = Flask(__name__)
# Compiled once, as Flask does for template files.
TEMPLATE = app.jinja_env.from_string(PAGE)


@app.get("/")
def page() -> str:
    return TEMPLATE.render(title="A thread of twenty posts", items=ITEMS)


@app.get("/plain")
def plain() -> str:
    return "Hello, KM4B"
