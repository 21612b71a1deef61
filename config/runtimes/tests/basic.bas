print "OK"
