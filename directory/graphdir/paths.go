package graphdir

import (
	"strings"
)

// userSelect is the $select of every user read: every property
// directory.User carries. accountEnabled, employeeType, createdDateTime,
// lastPasswordChangeDateTime, onPremisesSyncEnabled and usageLocation are not
// among the properties Graph returns by default.
var userSelect = []string{
	"id", "userPrincipalName", "displayName", "mailNickname", "accountEnabled",
	"userType", "usageLocation", "employeeType", "createdDateTime",
	"lastPasswordChangeDateTime", "onPremisesSyncEnabled",
}

var userSelectQuery = "$select=" + strings.Join(userSelect, ",")

// userPath returns the path of a user, relative to the service root.
//
// A key starting with "$" cannot be a path segment (OData reserves such
// segments for system resources; Graph answers 400), so it is addressed as
// /users('$x@contoso.com'), a quoted key literal, as Microsoft's "Get user"
// documentation prescribes. Everything else is /users/{key} with the key
// percent-encoded the way the SDK's URI templates encode it (every byte but
// the unreserved characters), so that "#EXT#", "'", "%", "&", spaces and
// non-ASCII characters survive.
func userPath(key string) string {
	if strings.HasPrefix(key, "$") {
		return "/users(" + keyLiteral(key) + ")"
	}
	return "/users/" + escapeSegment(key)
}

// keyLiteral returns s as a quoted OData key literal inside a path: quotes
// doubled, then percent-encoded except for the quotes and the characters
// Microsoft's example leaves as they are ($ and @).
func keyLiteral(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\'':
			b.WriteString("''")
		case c == '$' || c == '@' || unreserved(c):
			b.WriteByte(c)
		default:
			writeEscaped(&b, c)
		}
	}
	b.WriteByte('\'')
	return b.String()
}

// escapeSegment percent-encodes every byte of s but the unreserved
// characters (RFC 3986 2.3), for a path segment or a query value.
func escapeSegment(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		if c := s[i]; unreserved(c) {
			b.WriteByte(c)
		} else {
			writeEscaped(&b, c)
		}
	}
	return b.String()
}

func unreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

func writeEscaped(b *strings.Builder, c byte) {
	const hex = "0123456789ABCDEF"
	b.WriteByte('%')
	b.WriteByte(hex[c>>4])
	b.WriteByte(hex[c&15])
}

// stringLiteral returns s as an OData string literal: single-quoted, with
// every quote doubled, so that no value can end the literal and alter the
// expression around it.
func stringLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// principalFilter is the $filter that lists a principal's role assignments.
func principalFilter(principalID string) string {
	return "principalId eq " + stringLiteral(principalID)
}
