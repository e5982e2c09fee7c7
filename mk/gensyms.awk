# Turn `nm -n` output into the symbol table used by stack traces
# (hv/common/symbols.c): sorted addresses, name offsets, names.
BEGIN { n = 0 }
$2 ~ /^[tT]$/ && $3 !~ /^\./ { addr[n] = $1; name[n] = $3; n++ }
END {
    print "\t.section .symbols, \"a\", @progbits"
    print "\t.balign 8"
    print "\t.globl symbols_addrs, symbols_count, symbols_name_offsets, symbols_names"
    print "symbols_count:\n\t.quad " n
    print "symbols_addrs:"
    for (i = 0; i < n; i++) print "\t.quad 0x" addr[i]
    print "symbols_name_offsets:"
    for (i = 0; i < n; i++) print "\t.long .Lname" i " - symbols_names"
    print "symbols_names:"
    for (i = 0; i < n; i++) print ".Lname" i ":\t.asciz \"" name[i] "\""
}
