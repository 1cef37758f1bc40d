# Shortcuts for ./dev.sh, for those who have make.
.PHONY: run test
run:
	./dev.sh run
test:
	./dev.sh test
