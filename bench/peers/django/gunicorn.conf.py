# gunicorn as its documentation recommends for a CPU-bound app: (2 x cores) + 1 sync workers, no debug, no reload.
import multiprocessing

bind = "127.0.0.1:18701"
workers = multiprocessing.cpu_count() * 2 + 1
worker_class = "sync"
keepalive = 5
accesslog = None
errorlog = "-"
loglevel = "warning"
