# the two mains
