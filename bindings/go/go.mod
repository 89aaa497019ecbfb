module podc.dev/podc

go 1.19
