/* LZMA2 and the LZMA it carries, decoding into the caller's buffer, which
 * is the dictionary: a match copies from bytes already written.
 *
 * LZMA2 is a sequence of chunks, each starting with a control byte:
 *   00          end of the stream;
 *   01, 02      uncompressed chunk (01 resets the dictionary), 16-bit
 *               big-endian size - 1, then the bytes;
 *   80-FF       LZMA chunk: bits 0-4 are bits 16-20 of the unpacked size
 *               - 1, then 16 bits more of it, 16 bits of packed size - 1,
 *               and with bits 5-6 >= 2 a properties byte (lc, lp, pb).
 *               Bits 5-6 say what is reset first: 0 nothing, 1 the LZMA
 *               state, 2 state and properties, 3 those and the dictionary;
 *   03-7F       invalid.
 * The first chunk resets the dictionary and properties come before the
 * first LZMA chunk.  Each LZMA chunk is a range-coded stream of its own:
 * it must end exactly at its packed size, with no match left half done.
 *
 * LZMA itself is a range coder over adaptive binary probabilities (11-bit,
 * moved by 1/32 of the distance to 0 or 1 on each bit), deciding literal,
 * match, or a repeat of one of the last four distances; the state (0-11)
 * remembers the kinds of the last few packets.
 *
 * Bounds: the input of a chunk is read only within its packed size, the
 * output only within [dictionary start, chunk end), where chunk end was
 * checked against the caller's limit before the chunk was decoded; every
 * chunk produces at least one byte, so the chunks are bounded by the output.
 *
 * Locking: one static state, used by one decode at a time (xz_decode
 * takes care of that): its probabilities (24 KiB for the largest lc + lp)
 * are more than a kernel stack can hold. */
#include "xz_internal.h"

#define PROB_BITS      11
#define PROB_INIT      (1u << (PROB_BITS - 1))
#define MOVE_BITS      5
#define RC_TOP         (1u << 24)

#define STATES         12
#define LIT_STATES     7        /* states after which a literal comes */
#define POS_STATES_MAX 16       /* 1 << pb, pb <= 4 */
#define LEN_STATES     4        /* distance slot tables, by length */
#define END_POS_MODEL  14       /* slots below this code their low bits in tables */
#define FULL_DISTANCES 128
#define ALIGN_BITS     4
#define MATCH_LEN_MIN  2
#define LC_LP_MAX      4        /* LZMA2 allows lc + lp <= 4 */
#define LITERAL_CODER  0x300

typedef uint16_t prob_t;

struct len_coder {
    prob_t choice;
    prob_t choice2;
    prob_t low[POS_STATES_MAX][8];
    prob_t mid[POS_STATES_MAX][8];
    prob_t high[256];
};

struct lzma_probs {
    prob_t is_match[STATES][POS_STATES_MAX];
    prob_t is_rep[STATES];
    prob_t is_rep0[STATES];
    prob_t is_rep1[STATES];
    prob_t is_rep2[STATES];
    prob_t is_rep0_long[STATES][POS_STATES_MAX];
    prob_t dist_slot[LEN_STATES][64];
    prob_t dist_special[FULL_DISTANCES - END_POS_MODEL];
    prob_t dist_align[1 << ALIGN_BITS];
    struct len_coder match_len;
    struct len_coder rep_len;
    prob_t literal[LITERAL_CODER << LC_LP_MAX];
};

struct rc {
    const uint8_t *in;
    size_t pos, end;            /* bytes [pos, end) of the chunk remain */
    uint32_t range, code;
    int overrun;                /* a byte past the chunk was wanted */
};

struct lzma {
    struct lzma_probs p;
    unsigned int lc, lp, pb;
    unsigned int state;
    uint32_t rep[4];
};

static struct lzma lz;

/* ---- range decoder -------------------------------------------------- */

static inline void rc_normalize(struct rc *rc)
{
    if (rc->range < RC_TOP) {
        rc->range <<= 8;
        if (rc->pos < rc->end) {
            rc->code = (rc->code << 8) | rc->in[rc->pos++];
        } else {
            rc->code <<= 8;
            rc->overrun = 1;
        }
    }
}

static inline unsigned int rc_bit(struct rc *rc, prob_t *p)
{
    uint32_t bound;

    rc_normalize(rc);
    bound = (rc->range >> PROB_BITS) * *p;
    if (rc->code < bound) {
        rc->range = bound;
        *p = (prob_t)(*p + (((1u << PROB_BITS) - *p) >> MOVE_BITS));
        return 0;
    }
    rc->range -= bound;
    rc->code -= bound;
    *p = (prob_t)(*p - (*p >> MOVE_BITS));
    return 1;
}

/* A symbol of bits bits, most significant first, over a tree of probs. */
static inline unsigned int rc_tree(struct rc *rc, prob_t *probs, unsigned int bits)
{
    unsigned int m = 1;

    for (unsigned int i = 0; i < bits; i++)
        m = (m << 1) | rc_bit(rc, &probs[m]);
    return m - (1u << bits);
}

/* The same, least significant first. */
static inline unsigned int rc_tree_reverse(struct rc *rc, prob_t *probs, unsigned int bits)
{
    unsigned int m = 1, sym = 0;

    for (unsigned int i = 0; i < bits; i++) {
        unsigned int b = rc_bit(rc, &probs[m]);

        m = (m << 1) | b;
        sym |= b << i;
    }
    return sym;
}

/* Bits with probability one half. */
static inline uint32_t rc_direct(struct rc *rc, unsigned int bits)
{
    uint32_t v = 0;

    while (bits--) {
        rc_normalize(rc);
        rc->range >>= 1;
        v <<= 1;
        if (rc->code >= rc->range) {
            rc->code -= rc->range;
            v |= 1;
        }
    }
    return v;
}

/* ---- LZMA ----------------------------------------------------------- */

static void lzma_reset_state(void)
{
    prob_t *p = (prob_t *)&lz.p;
    size_t n = sizeof(lz.p) / sizeof(prob_t);

    for (size_t i = 0; i < n; i++)
        p[i] = PROB_INIT;
    lz.state = 0;
    lz.rep[0] = lz.rep[1] = lz.rep[2] = lz.rep[3] = 0;
}

static int lzma_set_props(uint8_t b)
{
    if (b >= 9 * 5 * 5)
        return -1;
    lz.lc = b % 9;
    b /= 9;
    lz.lp = b % 5;
    lz.pb = b / 5;
    return lz.lc + lz.lp <= LC_LP_MAX ? 0 : -1;
}

static unsigned int decode_len(struct rc *rc, struct len_coder *l, unsigned int pos_state)
{
    if (!rc_bit(rc, &l->choice))
        return MATCH_LEN_MIN + rc_tree(rc, l->low[pos_state], 3);
    if (!rc_bit(rc, &l->choice2))
        return MATCH_LEN_MIN + 8 + rc_tree(rc, l->mid[pos_state], 3);
    return MATCH_LEN_MIN + 16 + rc_tree(rc, l->high, 8);
}

static uint32_t decode_dist(struct rc *rc, unsigned int len)
{
    unsigned int len_state = len - MATCH_LEN_MIN < LEN_STATES ? len - MATCH_LEN_MIN : LEN_STATES - 1;
    unsigned int slot = rc_tree(rc, lz.p.dist_slot[len_state], 6);
    unsigned int direct;
    uint32_t dist;

    if (slot < 4)
        return slot;
    direct = (slot >> 1) - 1;
    dist = (2u | (slot & 1)) << direct;
    if (slot < END_POS_MODEL)
        /* Tree indices start at 1: the tree of this slot begins at
         * dist_special[dist - slot - 1 + 1]. */
        return dist + rc_tree_reverse(rc, lz.p.dist_special + dist - slot - 1, direct);
    dist += rc_direct(rc, direct - ALIGN_BITS) << ALIGN_BITS;
    return dist + rc_tree_reverse(rc, lz.p.dist_align, ALIGN_BITS);
}

static void decode_literal(struct rc *rc, uint8_t *out, size_t pos, size_t dict_start)
{
    unsigned int prev = pos > dict_start ? out[pos - 1] : 0;
    size_t rel = pos - dict_start;
    prob_t *probs = lz.p.literal +
                    LITERAL_CODER * ((((unsigned int)rel & ((1u << lz.lp) - 1)) << lz.lc) +
                                     (prev >> (8 - lz.lc)));
    unsigned int sym = 1;

    if (lz.state < LIT_STATES) {
        while (sym < 0x100)
            sym = (sym << 1) | rc_bit(rc, &probs[sym]);
    } else {
        /* After a match the byte at the last distance predicts this one:
         * its bits select the probabilities while they agree. */
        unsigned int match = out[pos - lz.rep[0] - 1];
        unsigned int offs = 0x100;

        while (sym < 0x100) {
            unsigned int mbit, b;

            match <<= 1;
            mbit = match & offs;
            b = rc_bit(rc, &probs[offs + mbit + sym]);
            sym = (sym << 1) | b;
            offs &= b ? mbit : ~mbit;
        }
    }
    out[pos] = (uint8_t)sym;
    lz.state = lz.state < 4 ? 0 : lz.state < 10 ? lz.state - 3 : lz.state - 6;
}

/* Decode one LZMA chunk into out[*pos, end).  Returns NULL or the reason. */
static const char *lzma_chunk(struct rc *rc, uint8_t *out, size_t *posp, size_t end,
                              size_t dict_start, uint32_t dict_size)
{
    size_t pos = *posp;
    unsigned int pb_mask = (1u << lz.pb) - 1;

    while (pos < end) {
        unsigned int pos_state = (unsigned int)(pos - dict_start) & pb_mask;
        unsigned int s = lz.state;
        unsigned int len;

        if (rc->overrun)
            return "LZMA data runs past its chunk";
        if (!rc_bit(rc, &lz.p.is_match[s][pos_state])) {
            if (s >= LIT_STATES && lz.rep[0] >= pos - dict_start)
                return "LZMA literal refers to a byte before the dictionary";
            decode_literal(rc, out, pos, dict_start);
            pos++;
            continue;
        }
        if (!rc_bit(rc, &lz.p.is_rep[s])) {
            uint32_t dist;

            len = decode_len(rc, &lz.p.match_len, pos_state);
            dist = decode_dist(rc, len);
            if (dist == 0xffffffffu)
                return "LZMA end marker inside an LZMA2 chunk";
            lz.rep[3] = lz.rep[2];
            lz.rep[2] = lz.rep[1];
            lz.rep[1] = lz.rep[0];
            lz.rep[0] = dist;
            lz.state = s < LIT_STATES ? 7 : 10;
        } else if (!rc_bit(rc, &lz.p.is_rep0[s])) {
            if (!rc_bit(rc, &lz.p.is_rep0_long[s][pos_state])) {
                /* One byte from the last distance. */
                if (lz.rep[0] >= pos - dict_start)
                    return "LZMA repeat reaches before the dictionary";
                lz.state = s < LIT_STATES ? 9 : 11;
                out[pos] = out[pos - lz.rep[0] - 1];
                pos++;
                continue;
            }
            len = decode_len(rc, &lz.p.rep_len, pos_state);
            lz.state = s < LIT_STATES ? 8 : 11;
        } else {
            uint32_t dist;

            if (!rc_bit(rc, &lz.p.is_rep1[s])) {
                dist = lz.rep[1];
            } else {
                if (!rc_bit(rc, &lz.p.is_rep2[s])) {
                    dist = lz.rep[2];
                } else {
                    dist = lz.rep[3];
                    lz.rep[3] = lz.rep[2];
                }
                lz.rep[2] = lz.rep[1];
            }
            lz.rep[1] = lz.rep[0];
            lz.rep[0] = dist;
            len = decode_len(rc, &lz.p.rep_len, pos_state);
            lz.state = s < LIT_STATES ? 8 : 11;
        }
        if (lz.rep[0] >= pos - dict_start || lz.rep[0] >= dict_size)
            return "LZMA match reaches before the dictionary";
        if (len > end - pos)
            return "LZMA match runs past its chunk";
        {
            const uint8_t *from = out + pos - lz.rep[0] - 1;
            uint8_t *to = out + pos;

            /* Byte by byte: the source may overlap what is written. */
            for (unsigned int i = 0; i < len; i++)
                to[i] = from[i];
        }
        pos += len;
    }
    *posp = pos;
    return NULL;
}

/* ---- LZMA2 chunks ---------------------------------------------------- */

static int fail(const char **why, const char *reason, int err)
{
    *why = reason;
    return err;
}

int xz_lzma2_decode(struct xz_lzma2_io *io, const char **why)
{
    const uint8_t *in = io->in;
    size_t ip = 0, n = io->in_len;
    size_t pos = io->out_pos, dict_start = io->out_pos;
    int need_dict_reset = 1, need_props = 1;

    for (;;) {
        uint8_t c;
        size_t unpacked, packed;

        if (ip >= n)
            return fail(why, "LZMA2 data is truncated", -EINVAL);
        c = in[ip++];
        if (c == 0x00)
            break;
        if (c == 0x01 || c == 0x02) {
            if (n - ip < 2)
                return fail(why, "LZMA2 chunk header is truncated", -EINVAL);
            if (c == 0x02 && need_dict_reset)
                return fail(why, "LZMA2 first chunk does not reset the dictionary", -EINVAL);
            if (c == 0x01) {
                /* New data: an LZMA chunk after it sets its properties. */
                dict_start = pos;
                need_dict_reset = 0;
                need_props = 1;
            }
            unpacked = ((size_t)in[ip] << 8 | in[ip + 1]) + 1;
            ip += 2;
            if (unpacked > n - ip)
                return fail(why, "LZMA2 uncompressed chunk is truncated", -EINVAL);
            if (unpacked > io->out_limit - pos)
                return fail(why, "decoded data does not fit in the buffer", -ENOSPC);
            for (size_t i = 0; i < unpacked; i++)
                io->out[pos + i] = in[ip + i];
            ip += unpacked;
            pos += unpacked;
            continue;
        }
        if (c < 0x80)
            return fail(why, "LZMA2 control byte is invalid", -EINVAL);
        if (n - ip < 4)
            return fail(why, "LZMA2 chunk header is truncated", -EINVAL);
        unpacked = ((size_t)(c & 0x1f) << 16 | (size_t)in[ip] << 8 | in[ip + 1]) + 1;
        packed = ((size_t)in[ip + 2] << 8 | in[ip + 3]) + 1;
        ip += 4;
        switch ((c >> 5) & 3) {
        case 3:
            dict_start = pos;
            need_dict_reset = 0;
            /* fall through */
        case 2:
            if (need_dict_reset)
                return fail(why, "LZMA2 first chunk does not reset the dictionary", -EINVAL);
            if (ip >= n)
                return fail(why, "LZMA2 chunk header is truncated", -EINVAL);
            if (lzma_set_props(in[ip++]) != 0)
                return fail(why, "LZMA2 properties are invalid", -EINVAL);
            need_props = 0;
            /* fall through */
        case 1:
            if (need_dict_reset)
                return fail(why, "LZMA2 first chunk does not reset the dictionary", -EINVAL);
            if (need_props)
                return fail(why, "LZMA2 chunk comes before any properties", -EINVAL);
            lzma_reset_state();
            break;
        default:
            if (need_dict_reset)
                return fail(why, "LZMA2 first chunk does not reset the dictionary", -EINVAL);
            if (need_props)
                return fail(why, "LZMA2 chunk comes before any properties", -EINVAL);
            break;
        }
        if (packed > n - ip)
            return fail(why, "LZMA2 chunk is truncated", -EINVAL);
        if (unpacked > io->out_limit - pos)
            return fail(why, "decoded data does not fit in the buffer", -ENOSPC);
        if (packed < 5 || in[ip] != 0x00)
            return fail(why, "LZMA chunk does not start a range coder", -EINVAL);
        {
            struct rc rc = {
                .in = in, .pos = ip + 5, .end = ip + packed, .range = 0xffffffffu,
                .code = (uint32_t)in[ip + 1] << 24 | (uint32_t)in[ip + 2] << 16 |
                        (uint32_t)in[ip + 3] << 8 | in[ip + 4],
            };
            const char *bad = lzma_chunk(&rc, io->out, &pos, pos + unpacked, dict_start,
                                         io->dict_size);

            if (bad)
                return fail(why, bad, -EINVAL);
            /* The encoder flushed the byte a last normalisation reads. */
            rc_normalize(&rc);
            if (rc.overrun || rc.pos != rc.end || rc.code != 0)
                return fail(why, "LZMA chunk does not end where its size says", -EINVAL);
        }
        ip += packed;
    }
    io->in_used = ip;
    io->out_pos = pos;
    return 0;
}
