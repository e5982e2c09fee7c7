# check-headers: every guest ABI header (include/public/**/*.h) must
#  - compile on its own as C11, included first into an otherwise empty
#    translation unit (the one declaration keeps -pedantic quiet about
#    constants-only headers).  Its _Static_asserts are the layout tests;
#    -Wpadded makes any padding the compiler would insert an error, so all
#    of it must be spelled out as _pad fields;
#  - assemble on its own, since its constants are meant for assembly too.
# Works with gcc and clang (make check-headers CC=clang).

PUBLIC_HEADERS := $(sort $(shell find include/public -name '*.h'))

HEADER_CFLAGS  := -std=c11 -Wall -Wextra -Werror -pedantic -Wpadded -Wundef \
                  -fsyntax-only -x c -Iinclude
HEADER_ASFLAGS := -x assembler-with-cpp -Werror -Iinclude -c -o /dev/null
HEADER_TU      := typedef int check_headers_tu;

.PHONY: check-headers
check-headers:
	@set -e; for h in $(PUBLIC_HEADERS); do \
	    echo "  HDRCHK  $$h"; \
	    echo '$(HEADER_TU)' | $(CC) $(HEADER_CFLAGS) -include $$h -; \
	    $(CC) $(HEADER_ASFLAGS) $$h; \
	done
