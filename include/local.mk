include_HEADERS = include/podc.h
podcincludedir = $(includedir)/podc
podcinclude_HEADERS = \
	include/podc/common.h \
	include/podc/error.h \
	include/podc/client.h \
	include/podc/system.h
