# The default ruleset, its advice for the journal catalog, and the documentation.
# rules/*.yaml is what sakerd loads by default (rules_files); the advice files are
# read only by saker catalog.
rulesdir = $(pkgdatadir)/rules
dist_rules_DATA = $(wildcard $(srcdir)/rules/*.yaml)
advicedir = $(pkgdatadir)/advice
dist_advice_DATA = $(wildcard $(srcdir)/rules/advice/*.yaml)
dist_doc_DATA = README.md $(wildcard $(srcdir)/docs/*.md)
