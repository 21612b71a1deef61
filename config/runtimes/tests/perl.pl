use strict;
use warnings;
print "OK\n";
