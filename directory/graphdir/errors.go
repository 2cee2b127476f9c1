package graphdir

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cloudhub/consent/directory"
)

// Error is a failed Microsoft Graph request: the operation and object it was
// about, and what the service (or the transport) said. Its Is method maps it
// onto the directory sentinels, so callers classify it with [errors.Is]:
//
//   - 404, or code Request_ResourceNotFound: [directory.ErrNotFound]
//   - 409, or any details[].code ObjectConflict (a duplicate
//     userPrincipalName), or the duplicate role assignment's 400 (see
//     below): [directory.ErrExists]
//   - code AadPremiumLicenseRequired or
//     Authentication_RequestFromNonPremiumTenantOrB2CTenant, whatever the
//     status: [directory.ErrNotLicensed]
//   - 401, 403, or code Authorization_RequestDenied: [directory.ErrPermission]
//   - 429: [directory.ErrThrottled]
//   - 5xx, a transport failure, an oversized or unreadable response:
//     [directory.ErrUnavailable]
//   - any other 4xx: [directory.ErrInvalid]
//   - an @odata.nextLink outside the service root (see [Options.BaseURL]),
//     which is refused without sending it a token: [directory.ErrInvalid]
//
// A request that failed because its context was done matches no sentinel;
// it wraps the context's error instead. So [directory.IsTemporary] holds for
// a 429, a 5xx, a lost or reset connection, a timeout, an unreadable answer,
// and a $batch item answered 424 because of one of those (it takes its
// dependency's class), and for nothing else.
//
// Creating a role assignment that exists answers 400 Request_BadRequest with
// the message "A conflicting object with one or more of the specified
// property values is present in the directory." and no details; that code
// alone covers every malformed request, so for role-assignment creation (and
// nowhere else) the message is what tells the two apart.
type Error struct {
	// Op is the operation, for example "create user".
	Op string
	// Object names what Op was about, for example `"svc@contoso.com"`.
	Object string

	// StatusCode is the HTTP status of the response (of the $batch item
	// for a batched request); 0 when no response was received.
	StatusCode int
	// Code is error.code of the response body; it may be empty.
	Code string
	// Message is error.message of the response body, or the start of a
	// body that is not a Graph error.
	Message string
	// Details are error.details.
	Details []ErrorDetail
	// RequestID identifies the request to Microsoft support: the
	// innerError's request-id (or the older innererror.requestId), or
	// else the request-id response header; empty when the answer carries
	// neither (it is never the client-request-id, which is ClientRequestID).
	RequestID string
	// ClientRequestID is the client-request-id the request was sent with.
	ClientRequestID string
	// Date is when the service answered (innerError.date or the Date
	// header), or zero.
	Date time.Time
	// RetryAfter is the wait the service asked for (Retry-After), or 0.
	RetryAfter time.Duration

	// Err is the underlying cause when no Graph answer was received (a
	// transport error, the context's error, a credential failure), or the
	// failed dependency of a $batch item answered 424.
	Err error

	class error    // the directory sentinel, or nil
	need  endpoint // what the request needed
	// claims: the answer carried a Conditional Access claims challenge
	// (WWW-Authenticate ... claims="...") that the one retry with a new
	// token did not clear.
	claims bool
}

// ErrorDetail is one element of error.details.
type ErrorDetail struct {
	Code    string
	Message string
	Target  string
}

// Error names the operation and the object, then what went wrong:
//
//	graphdir: get user "svc@contoso.com": 404 Request_ResourceNotFound: Resource 'svc@contoso.com' does not exist or one of its queried reference-property objects are not present. (request-id 7f3e…)
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("graphdir: ")
	b.WriteString(e.Op)
	if e.Object != "" {
		b.WriteByte(' ')
		b.WriteString(e.Object)
	}
	b.WriteString(": ")
	n := b.Len()
	if e.StatusCode != 0 {
		b.WriteString(strconv.Itoa(e.StatusCode))
		if e.Code != "" {
			b.WriteByte(' ')
			b.WriteString(e.Code)
		}
		if e.Message != "" {
			b.WriteString(": ")
			b.WriteString(e.Message)
		}
		for _, d := range e.Details {
			if d.Code != "" || d.Target != "" {
				fmt.Fprintf(&b, " [%s %s]", d.Code, d.Target)
			}
		}
	} else if e.Message != "" {
		b.WriteString(e.Message)
	}
	if e.Err != nil {
		if b.Len() > n {
			b.WriteString(": ")
		}
		b.WriteString(e.Err.Error())
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %v)", e.RetryAfter)
	}
	if e.RequestID != "" {
		b.WriteString(" (request-id ")
		b.WriteString(e.RequestID)
		b.WriteByte(')')
	}
	return b.String()
}

// Is reports whether target is the directory sentinel e maps onto.
func (e *Error) Is(target error) bool { return e.class != nil && target == e.class }

// Requirement returns what the denied request needed: the least-privileged
// Microsoft Graph permissions (application, then delegated) that allow it
// and, for a delegated (signed-in) caller, the Microsoft Entra roles that
// allow it, as documented on the Microsoft Learn page of its endpoint. It is
// empty unless the answer was 403 Forbidden, or the request was not run
// (a $batch item answered 424) because one it depended on was denied.
// A refusal that no permission lifts says so instead: the licences the
// tenant lacks (error codes AadPremiumLicenseRequired,
// Authentication_RequestFromNonPremiumTenantOrB2CTenant; see licensesFor)
// or a Conditional Access claims challenge (Claims).
// [directory.RequirementOf] finds it in an error chain.
func (e *Error) Requirement() directory.Requirement {
	if r, ok := e.tenantRequirement(); ok {
		return r
	}
	if e.StatusCode == http.StatusForbidden {
		return e.need.requirement()
	}
	if e.StatusCode == http.StatusFailedDependency && e.Err != nil {
		r, _ := directory.RequirementOf(e.Err)
		return r
	}
	return directory.Requirement{}
}

// RetryDelay returns the wait the service asked for before the request is
// sent again: RetryAfter, or, for a $batch item not run (424) because one
// it depended on failed, that one's. [directory.RetryDelay] finds it in an
// error chain, so that a caller retrying a throttled request (package
// serviceaccount) honours Retry-After without importing this package.
func (e *Error) RetryDelay() time.Duration {
	if e.RetryAfter > 0 {
		return e.RetryAfter
	}
	if e.StatusCode == http.StatusFailedDependency && e.Err != nil {
		return directory.RetryDelay(e.Err)
	}
	return 0
}

// Unwrap returns Err.
func (e *Error) Unwrap() error { return e.Err }

// op names an operation; it is Error.Op.
type op string

const (
	opGetUser              op = "get user"
	opCreateUser           op = "create user"
	opDeleteUser           op = "delete user"
	opListRoleAssignments  op = "list role assignments of principal"
	opCreateRoleAssignment op = "create role assignment"
	opDeleteRoleAssignment op = "delete role assignment"
	opListMethods          op = "list authentication methods of user"
	opListDomains          op = "list domains"
	opBatch                op = "send $batch"
)

// conflictingObjectMessage is the message of the 400 that answers the
// creation of a role assignment that exists.
const conflictingObjectMessage = "a conflicting object with one or more of the specified property values is present in the directory"

// parseError is the one function that interprets a failed Graph request. It
// takes whatever is known: the status, headers and raw body of the answer
// (of a single request, or of a $batch item), or the error that kept an
// answer from coming (a transport error, a credential failure, the
// context's error). It never panics, whatever the body
// holds, and always returns an error that matches exactly one directory
// sentinel, or the context's error.
func parseError(o op, object string, status int, header http.Header, body []byte, cause error) *Error {
	e := &Error{Op: string(o), Object: object, StatusCode: status}
	var tooLarge *responseTooLargeError
	if errors.As(cause, &tooLarge) {
		// The answer arrived but could not be read whole: whatever its
		// status, the outcome is unknown.
		e.StatusCode = 0
		e.Err = cause
		e.class = directory.ErrUnavailable
		return e
	}
	if e.StatusCode == 0 {
		// No answer: a transport failure, a credential failure or the
		// context.
		e.Err = cause
		e.class = classifyCause(cause)
		return e
	}
	if len(body) > 0 {
		e.readBody(body)
	}
	if header != nil {
		if e.RequestID == "" {
			// Not client-request-id: this package made that one up, and
			// it is ClientRequestID.
			e.RequestID = header.Get("request-id")
		}
		if e.ClientRequestID == "" {
			e.ClientRequestID = header.Get("client-request-id")
		}
		if e.Date.IsZero() {
			if t, err := http.ParseTime(header.Get("Date")); err == nil {
				e.Date = t
			}
		}
		e.RetryAfter, _ = retryAfter(header, time.Now())
	}
	if e.StatusCode == http.StatusFailedDependency && cause != nil {
		// A $batch item not run because the item it depended on failed:
		// it fails the way its dependency did.
		e.Err = cause
		e.class = classify(cause)
		if e.class == nil {
			e.class = directory.ErrUnavailable
		}
		return e
	}
	e.class = classifyStatus(o, e.StatusCode, e.Code, e.Message, e.Details)
	e.claims = header != nil && claimsChallenge(header) != ""
	return e
}

func classifyStatus(o op, status int, code, message string, details []ErrorDetail) error {
	for _, d := range details {
		if strings.EqualFold(d.Code, "ObjectConflict") {
			return directory.ErrExists
		}
	}
	switch {
	case status == http.StatusNotFound || strings.EqualFold(code, "Request_ResourceNotFound"):
		return directory.ErrNotFound
	case status == http.StatusConflict:
		return directory.ErrExists
	case len(licensesFor(code)) > 0:
		return directory.ErrNotLicensed
	case status == http.StatusUnauthorized || status == http.StatusForbidden ||
		strings.EqualFold(code, "Authorization_RequestDenied"):
		return directory.ErrPermission
	case status == http.StatusTooManyRequests:
		return directory.ErrThrottled
	case status >= 500:
		return directory.ErrUnavailable
	case status == http.StatusFailedDependency:
		// A $batch that failed because something it depended on did.
		return directory.ErrUnavailable
	case o == opCreateRoleAssignment && status == http.StatusBadRequest && isConflictingObject(message):
		return directory.ErrExists
	case status >= 400:
		return directory.ErrInvalid
	default:
		// A 1xx-3xx answer where a success was due: not a failure the
		// caller can fix.
		return directory.ErrUnavailable
	}
}

// classify returns the directory sentinel err matches, or nil when it
// matches none.
func classify(err error) error {
	for _, s := range []error{directory.ErrNotFound, directory.ErrExists, directory.ErrPermission, directory.ErrThrottled, directory.ErrUnavailable, directory.ErrInvalid, directory.ErrNotLicensed} {
		if errors.Is(err, s) {
			return s
		}
	}
	return nil
}

// isConflictingObject reports whether message is the one the duplicate role
// assignment is answered with. It is the only text this package matches.
func isConflictingObject(message string) bool {
	m := strings.ToLower(strings.TrimSpace(message))
	return strings.HasPrefix(m, conflictingObjectMessage)
}

// classifyCause classifies a failure that got no answer from Graph.
func classifyCause(cause error) error {
	switch {
	case cause == nil:
		return directory.ErrUnavailable
	case errors.Is(cause, context.Canceled) || errors.Is(cause, context.DeadlineExceeded):
		return nil
	}
	var foreign *foreignHostError
	if errors.As(cause, &foreign) {
		// A URL outside the service root, which only an answer (an
		// @odata.nextLink) can have brought: an unexpected answer, which
		// no retry will change.
		return directory.ErrInvalid
	}
	var te *tokenError
	if errors.As(cause, &te) {
		var ne net.Error
		if errors.As(te.err, &ne) {
			return directory.ErrUnavailable
		}
		return directory.ErrPermission
	}
	return directory.ErrUnavailable
}

// readBody fills the fields it finds in a Graph error body, tolerating any
// bytes: a body that is not a Graph error becomes the message.
func (e *Error) readBody(body []byte) {
	if s := jsonString(body); s != "" {
		// A $batch item's body that is not JSON comes as a string,
		// base64-encoded. A plain-text body may come as it is, and some
		// text ("Test") is valid base64 too: the decoded bytes are kept
		// only when they are text.
		body = []byte(s)
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
			if b, err := enc.DecodeString(s); err == nil {
				if len(b) > 0 && utf8.Valid(b) {
					body = b
				}
				break
			}
		}
	}
	var env map[string]json.RawMessage
	if json.Unmarshal(body, &env) != nil {
		e.Message = snippet(body)
		return
	}
	var ge map[string]json.RawMessage
	if json.Unmarshal(lookup(env, "error"), &ge) != nil || ge == nil {
		e.Message = snippet(body)
		return
	}
	e.Code = clean(jsonString(lookup(ge, "code")), 200)
	e.Message = clean(jsonString(lookup(ge, "message")), 2000)
	var details []map[string]json.RawMessage
	if json.Unmarshal(lookup(ge, "details"), &details) == nil {
		for i, d := range details {
			if i == 20 {
				break
			}
			e.Details = append(e.Details, ErrorDetail{
				Code:    clean(jsonString(lookup(d, "code")), 200),
				Message: clean(jsonString(lookup(d, "message")), 2000),
				Target:  clean(jsonString(lookup(d, "target")), 200),
			})
		}
	}
	// "innerError" in current responses, "innererror" in older ones.
	var inner map[string]json.RawMessage
	if json.Unmarshal(lookup(ge, "innerError"), &inner) == nil {
		e.RequestID = clean(firstNonEmpty(jsonString(lookup(inner, "request-id")), jsonString(lookup(inner, "requestId"))), 100)
		e.ClientRequestID = clean(jsonString(lookup(inner, "client-request-id")), 100)
		e.Date = parseGraphDate(jsonString(lookup(inner, "date")))
	}
}

// lookup returns m[key], matching key case-insensitively.
func lookup(m map[string]json.RawMessage, key string) json.RawMessage {
	if v, ok := m[key]; ok {
		return v
	}
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v
		}
	}
	return nil
}

// jsonString returns raw as a string when it is a JSON string, else "".
func jsonString(raw json.RawMessage) string {
	var s string
	if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

// parseGraphDate parses innerError.date, which Graph writes without a zone
// ("2020-08-18T12:51:51", UTC).
func parseGraphDate(s string) time.Time {
	for _, layout := range []string{"2006-01-02T15:04:05", time.RFC3339Nano} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

// snippet returns the start of a body that is not a Graph error, printable.
func snippet(body []byte) string {
	if !utf8.Valid(body) {
		return fmt.Sprintf("unreadable response body (%d bytes)", len(body))
	}
	return clean(string(body), 200)
}

// clean makes s safe to print on one line and at most max bytes long.
func clean(s string, max int) string {
	s = strings.TrimSpace(s)
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	if len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// invalidArgument is the error for a request refused before it was sent.
func invalidArgument(o op, object, message string) *Error {
	return &Error{Op: string(o), Object: object, Message: message, class: directory.ErrInvalid}
}

// unexpected is the error for an answer that is not what Graph documents (a
// success without the object, a page that cannot be decoded).
func unexpected(o op, object string, status int, format string, args ...any) *Error {
	return &Error{Op: string(o), Object: object, StatusCode: status, Message: "unexpected response: " + fmt.Sprintf(format, args...), class: directory.ErrUnavailable}
}

// contextError wraps the context's error with the operation and object.
func contextError(o op, object string, err error) *Error {
	return &Error{Op: string(o), Object: object, Err: err}
}

// quote formats an object name for Error.Object.
func quote(s string) string { return strconv.Quote(s) }

// roleObject names a role assignment being created.
func roleObject(a roleRef) string {
	return fmt.Sprintf("role %q for principal %q", a.role, a.principal)
}

type roleRef struct{ role, principal string }
