-- wrk script for bench/run: password sign-ins, each a POST of the same JSON credentials.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"username":"alice","password":"correct horse battery staple"}'
