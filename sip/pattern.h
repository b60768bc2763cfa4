/* pattern.h - IOS number patterns: destination-pattern, incoming called-number (layer 3).
 *
 * Syntax (cube-cli.md 4.4), checked by dp_pattern_validate():
 *   0-9 A-F * #     literal keypad characters (A-F upper case only, as IOS)
 *   .               any one dialable character: 0-9 A-F * # +
 *   T               0 to 32 dialable characters; only at the end (before `$`)
 *   [..]            one character from a set: `[1-5]`, `[2,5-8]`, `[135]`;
 *                   `[^135]` excludes; members are 0-9 A-F * # +
 *   (...)           group, may nest (8 levels)
 *   ? % +           the preceding character, set or group 0-1, 0+, 1+ times;
 *                   a `+` at the very start (after an optional `^`) is the
 *                   literal E.164 plus
 *   ^               start anchor, only at the start (matching is always anchored)
 *   $               end anchor, only at the end
 *   ,               one-second pause: accepted and ignored when matching
 *   \C              the character C taken literally
 *
 * Matching semantics chosen for Tollgate:
 *   - The pattern is always anchored at the start of the number.
 *   - With `$`, the pattern must consume the whole number.
 *   - Without `$`, the pattern must be consumed entirely by a prefix of the
 *     number: `9...` matches 9123 and 91234 (prefix), not 912.
 *   - Quantifiers are greedy; the first match found (greedy order) wins.
 *   - Letters in the number compare case-insensitively (a == A).
 *   - match_len is the number of number characters consumed by literal
 *     pattern characters (digits, A-F, *, #, +, escapes) in that match: the
 *     "explicit digits" that rank dial-peers for longest match.  Wildcards
 *     (`.`, sets, T) do not count.
 *   - The matcher backtracks with a bounded number of steps; a pathological
 *     pattern that exceeds the bound does not match.
 *
 * Ownership: dp_pattern_compile() returns a heap object owned by the caller,
 * released with dp_pattern_free().  A compiled pattern is immutable and may be
 * shared between threads for matching.
 */
#ifndef TOLLGATE_PATTERN_H
#define TOLLGATE_PATTERN_H

#include <stdbool.h>
#include <stddef.h>

#define DP_PATTERN_MAX 128     /* longest pattern text accepted */
#define DP_PATTERN_T_MAX 32    /* characters matched by T at most */

/* The second line of the IOS validator message. */
#define DP_PATTERN_FORM "regular expression must be of the form ^[][^0-9,A-F#*.?+%()-]*T?(\\$)?$"
/* Text of the warning for a pattern that matches an empty number. */
#define DP_PATTERN_WARN_EMPTY_TEXT \
	"Warning: pattern may match an empty number; use \".T\" to require at least one digit"

struct dp_pattern;

/* Check a pattern.  Returns 0, or -EINVAL with err filled (when errsz > 0) with
 * two lines separated by '\n', without a trailing newline:
 *   Incorrect format for E.164 Number: invalid character 'x' at position 3
 *   regular expression must be of the form ^[][^0-9,A-F#*.?+%()-]*T?(\$)?$
 * Positions are 1-based. */
int dp_pattern_validate(const char *pat, char *err, size_t errsz);

/* True when pat is valid and can match an empty number (`T`, `^T$`, `1?` ...):
 * `incoming called-number T` warns with DP_PATTERN_WARN_EMPTY_TEXT. */
bool dp_pattern_warn_empty(const char *pat);

/* Compile a pattern.  Returns 0 and *out, -EINVAL for a bad pattern, -ENOMEM. */
int dp_pattern_compile(const char *pat, struct dp_pattern **out);

/* Match number (NUL-terminated) against p.  On a match returns true and, when
 * match_len is not NULL, stores the count of explicit digits matched. */
bool dp_pattern_match(const struct dp_pattern *p, const char *number, int *match_len);

/* The pattern text as compiled (owned by p). */
const char *dp_pattern_text(const struct dp_pattern *p);

void dp_pattern_free(struct dp_pattern *p);

/* The index of a dialable character: 0-9 -> 0-9, A-F (a-f) -> 10-15, * -> 16,
 * # -> 17, + -> 18, anything else -1 (also the route index's trie alphabet). */
int dp_dial_index(char c);

#endif
