"""The app as gunicorn serves it in the load benchmark, plus a bare "hello" route: the same
app, its hooks and its logging, doing no work of its own (the ceiling the pages are
compared with)."""

from minequiz import create_app

app = create_app()


@app.get("/hello")
def hello():
    return "hello"
