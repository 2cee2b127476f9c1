package serviceaccount

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/roles"
)

// Spec describes the service account to provision.
type Spec struct {
	// UserPrincipalName is the account's sign-in name, such as
	// "svc-cloudhub@contoso.onmicrosoft.com". Its domain must be a verified
	// domain of the tenant. Required.
	UserPrincipalName string
	// DisplayName is the name shown in the admin center. Required; at most
	// 256 characters.
	DisplayName string
	// MailNickname is the mail alias. Empty derives it from the UPN's local
	// part.
	MailNickname string
	// UsageLocation is an ISO 3166-1 alpha-2 country code ("AU", "US").
	// Required: licensed services need it.
	UsageLocation string
	// Workloads are the services the partner will manage, such as
	// roles.Teams; Access picks their admin (roles.Admin) or read-only
	// (roles.ReadOnly) roles. Access has no default: with workloads it must
	// be set, so that the more privileged level is never chosen by
	// omission.
	Workloads []roles.Workload
	Access    roles.Access
	// Roles are extra built-in roles, by display name (current or former)
	// or template ID.
	Roles []string
	// Password is the initial password. Empty generates one (24 characters
	// from crypto/rand). Either way the account must change it at its first
	// sign-in.
	Password directory.Password
	// AllowPrivileged permits roles Microsoft marks privileged (Global
	// Administrator, Privileged Role Administrator, Global Reader, ...).
	// Without it such a role is refused with a [*FieldError] that
	// satisfies errors.Is(err, [ErrPrivileged]).
	AllowPrivileged bool
	// Adopt permits converging an existing account that this SDK did not
	// create (see [IsManaged]). Without it such an account is refused with
	// [ErrNotManaged], so that admin roles never land on a person's account
	// by accident.
	Adopt bool
	// KeepOnFailure keeps an account created by this call when a later
	// step fails. By default the account is deleted (rolled back).
	KeepOnFailure bool
}

// ErrPrivileged marks a role refused because Microsoft marks it privileged
// and [Spec.AllowPrivileged] is not set. The [*FieldError] that wraps it
// names the role and the workload (or the Roles entry) it came from.
var ErrPrivileged = errors.New("privileged role refused")

// FieldError reports an invalid field of a [Spec] or [Account]. It
// satisfies errors.Is(err, directory.ErrInvalid), and errors.Is against
// the error it wraps, if any: [roles.ErrUnknownWorkload],
// [roles.ErrNoReadOnlyRole], [roles.ErrUnknownRole] or [ErrPrivileged].
type FieldError struct {
	Field string
	// Value is the offending value, quoted in the message; never a
	// password.
	Value string
	// Reason says what is wrong with Value. When it is empty the message
	// is Err's.
	Reason string
	// Err is the error that classifies the problem, when one does
	// (a sentinel, or an error from package roles); nil otherwise.
	Err error
}

func (e *FieldError) Error() string {
	reason := e.Reason
	if reason == "" && e.Err != nil {
		reason = e.Err.Error()
	}
	return fmt.Sprintf("serviceaccount: %s %q: %s", e.Field, truncate(e.Value), reason)
}

// Unwrap returns Err.
func (e *FieldError) Unwrap() error { return e.Err }

// maxQuoted bounds how much of a bad value an error message quotes, so that
// hostile input cannot make huge errors (and log lines).
const maxQuoted = 1024

func truncate(v string) string {
	if len(v) <= maxQuoted {
		return v
	}
	cut := maxQuoted
	for cut > 0 && !utf8.RuneStart(v[cut]) {
		cut--
	}
	return fmt.Sprintf("%s...(%d bytes)", v[:cut], len(v))
}

// Is makes a FieldError match directory.ErrInvalid.
func (e *FieldError) Is(target error) bool { return target == directory.ErrInvalid }

func fieldErr(field, value, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Value: value, Reason: fmt.Sprintf(format, args...)}
}

// wrapFieldErr is fieldErr for a problem that err classifies.
func wrapFieldErr(err error, field, value, format string, args ...any) *FieldError {
	fe := fieldErr(field, value, format, args...)
	fe.Err = err
	return fe
}

const (
	maxUPNLocal       = 64
	maxUPN            = 113
	maxDisplayName    = 256
	maxMailNickname   = 64
	upnLocalSymbols   = "'.-_!#^~"
	nicknameForbidden = "@()\\[]\";:<>, "
)

// ValidateUPN checks a userPrincipalName the way Entra ID does: a local part
// of 1 to 64 characters from A-Z a-z 0-9 ' . - _ ! # ^ ~, not starting or
// ending with a period and without consecutive periods, an @, and a domain
// name.
func ValidateUPN(upn string) error {
	local, domain, ok := strings.Cut(upn, "@")
	switch {
	case upn == "":
		return fieldErr("UserPrincipalName", upn, "is required")
	case !ok || strings.Contains(domain, "@"):
		return fieldErr("UserPrincipalName", upn, "must be local@domain with exactly one @")
	case local == "" || len(local) > maxUPNLocal:
		return fieldErr("UserPrincipalName", upn, "local part must be 1 to %d characters", maxUPNLocal)
	case len(upn) > maxUPN:
		return fieldErr("UserPrincipalName", upn, "must be at most %d characters", maxUPN)
	case local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, ".."):
		return fieldErr("UserPrincipalName", upn, "local part must not start or end with a period or contain two in a row")
	}
	for _, r := range local {
		if !isASCIIAlnum(r) && !strings.ContainsRune(upnLocalSymbols, r) {
			return fieldErr("UserPrincipalName", upn, "local part may contain only A-Z a-z 0-9 and %s, not %q", upnLocalSymbols, r)
		}
	}
	if err := validateDomainName(domain); err != nil {
		return fieldErr("UserPrincipalName", upn, "domain %s", err)
	}
	return nil
}

func validateDomainName(d string) error {
	labels := strings.Split(d, ".")
	if len(labels) < 2 || len(d) > 253 {
		return errors.New("must be a domain name such as contoso.onmicrosoft.com")
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return fmt.Errorf("label %q is not a valid DNS label", l)
		}
		for _, r := range l {
			if !isASCIIAlnum(r) && r != '-' {
				return fmt.Errorf("label %q may contain only letters, digits and hyphens", l)
			}
		}
	}
	return nil
}

func isASCIIAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

// MailNicknameFromUPN derives a mail nickname from a UPN's local part,
// dropping the characters a nickname may not hold. It returns "" when
// nothing usable is left.
func MailNicknameFromUPN(upn string) string {
	local, _, _ := strings.Cut(upn, "@")
	var b strings.Builder
	for _, r := range local {
		if r < 0x80 && unicode.IsPrint(r) && !strings.ContainsRune(nicknameForbidden, r) && b.Len() < maxMailNickname {
			b.WriteRune(r)
		}
	}
	return strings.Trim(b.String(), ".")
}

// ValidateMailNickname checks a mail nickname: 1 to 64 printable ASCII
// characters, none of them a space or one of @ ( ) \ [ ] " ; : < > ,
func ValidateMailNickname(nick string) error {
	if nick == "" || len(nick) > maxMailNickname {
		return fieldErr("MailNickname", nick, "must be 1 to %d characters", maxMailNickname)
	}
	for _, r := range nick {
		if r >= 0x80 || !unicode.IsPrint(r) || strings.ContainsRune(nicknameForbidden, r) {
			return fieldErr("MailNickname", nick, "must not contain %q (no spaces, no non-ASCII, none of %s)", r, strings.TrimSpace(nicknameForbidden))
		}
	}
	return nil
}

func validateDisplayName(name string) error {
	switch n := utf8.RuneCountInString(name); {
	case !utf8.ValidString(name):
		return fieldErr("DisplayName", name, "is not valid UTF-8")
	case strings.TrimSpace(name) == "":
		return fieldErr("DisplayName", name, "is required")
	case n > maxDisplayName:
		return fieldErr("DisplayName", name, "is %d characters; at most %d are allowed", n, maxDisplayName)
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return fieldErr("DisplayName", name, "must not contain control characters")
		}
	}
	return nil
}

func validateUsageLocation(loc string) (string, error) {
	up := strings.ToUpper(strings.TrimSpace(loc))
	if up == "" {
		return "", fieldErr("UsageLocation", loc, "is required (an ISO 3166-1 alpha-2 country code such as AU or US)")
	}
	if !isCountryCode(up) {
		return "", fieldErr("UsageLocation", loc, "is not an ISO 3166-1 alpha-2 country code")
	}
	return up, nil
}

// validatePassword applies Entra ID's complexity rule to a caller-supplied
// password without ever putting it in the error.
func validatePassword(p directory.Password) error {
	s := p.Reveal()
	if err := directory.CheckPasswordComplexity(s); err != nil {
		return fieldErr("Password", "[REDACTED]", "%v", err)
	}
	if strings.ContainsFunc(s, unicode.IsControl) {
		return fieldErr("Password", "[REDACTED]", "must not contain control characters")
	}
	return nil
}

// privilegedErrors names each privileged role the spec would grant with
// where it comes from: a workload at the access level, or Roles.
func privilegedErrors(workloads []roles.Workload, level roles.Access, extra []string) []error {
	var errs []error
	seen := map[string]bool{}
	for _, w := range workloads {
		wr, err := roles.ForWorkloads(level, w)
		if err != nil {
			continue // reported already
		}
		var priv []string
		for _, r := range wr {
			if r.Privileged && !seen[r.ID] {
				priv = append(priv, r.Name)
				seen[r.ID] = true
			}
		}
		if len(priv) > 0 {
			errs = append(errs, wrapFieldErr(ErrPrivileged, "Workloads", string(w), "%s access to it needs %s, which Microsoft marks privileged: refused unless AllowPrivileged is set",
				level, strings.Join(priv, ", ")))
		}
	}
	var priv []string
	for _, name := range extra {
		if r, ok := roles.Lookup(name); ok && r.Privileged && !seen[r.ID] {
			priv = append(priv, r.Name)
			seen[r.ID] = true
		}
	}
	if len(priv) > 0 {
		errs = append(errs, wrapFieldErr(ErrPrivileged, "Roles", strings.Join(priv, ", "), "privileged role(s) refused: set AllowPrivileged to grant them"))
	}
	return errs
}

// checkAccess checks the access level: required with workloads (never
// defaulted to admin), and one of the two levels when given.
func checkAccess(a roles.Access, workloads []roles.Workload) error {
	switch {
	case a == 0 && len(workloads) > 0:
		errs := []error{fieldErr("Access", "", "not set: choose roles.Admin or roles.ReadOnly for the workloads")}
		for _, w := range workloads {
			// Every known workload has admin roles: this fails only for
			// an unknown one.
			if _, err := roles.ForWorkloads(roles.Admin, w); err != nil {
				errs = append(errs, &FieldError{Field: "Workloads", Value: string(w), Err: err})
			}
		}
		return errors.Join(errs...)
	case a != 0 && a != roles.Admin && a != roles.ReadOnly:
		return fieldErr("Access", fmt.Sprint(int(a)), "must be roles.Admin or roles.ReadOnly")
	}
	return nil
}

// resolveRoles turns workloads, access level and extra role names into the
// de-duplicated role set, sorted by name.
func resolveRoles(workloads []roles.Workload, level roles.Access, extra []string) ([]roles.Role, error) {
	var out []roles.Role
	if len(workloads) > 0 {
		rs, err := roles.ForWorkloads(level, workloads...)
		if err != nil {
			return nil, &FieldError{Field: "Workloads", Value: joinWorkloads(workloads), Err: err}
		}
		out = rs
	}
	for _, name := range extra {
		r, ok := roles.Lookup(name)
		if !ok {
			return nil, wrapFieldErr(roles.ErrUnknownRole, "Roles", name, "is not a Microsoft Entra built-in role name or template ID")
		}
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b roles.Role) int { return strings.Compare(a.Name, b.Name) })
	out = slices.CompactFunc(out, func(a, b roles.Role) bool { return a.ID == b.ID })
	return out, nil
}

func joinWorkloads(ws []roles.Workload) string {
	s := make([]string, len(ws))
	for i, w := range ws {
		s[i] = string(w)
	}
	return strings.Join(s, ",")
}

// normalized is a validated Spec with its derived values.
type normalized struct {
	spec  Spec
	roles []roles.Role
}

// validate checks every field and returns all problems at once, each naming
// its field and value. It makes no directory call.
func (s Spec) validate() (normalized, error) {
	var errs []error
	s.UserPrincipalName = strings.TrimSpace(s.UserPrincipalName)
	upnErr := ValidateUPN(s.UserPrincipalName)
	if upnErr != nil {
		errs = append(errs, upnErr)
	}
	if err := validateDisplayName(s.DisplayName); err != nil {
		errs = append(errs, err)
	}
	derived := s.MailNickname == ""
	if derived {
		s.MailNickname = MailNicknameFromUPN(s.UserPrincipalName)
	}
	// A nickname derived from an invalid UPN is not reported again: the
	// caller did not set it, and the UPN's error says what to fix.
	if err := ValidateMailNickname(s.MailNickname); err != nil && !(derived && upnErr != nil) {
		errs = append(errs, err)
	}
	loc, err := validateUsageLocation(s.UsageLocation)
	if err != nil {
		errs = append(errs, err)
	}
	s.UsageLocation = loc
	var rs []roles.Role
	if err = checkAccess(s.Access, s.Workloads); err == nil {
		// An access error is reported once, not again as a Workloads error.
		rs, err = resolveRoles(s.Workloads, s.Access, s.Roles)
	}
	switch {
	case err != nil:
		errs = append(errs, err)
	case len(rs) == 0:
		errs = append(errs, fieldErr("Workloads", "", "no workload and no role given: the account would have no purpose"))
	case !s.AllowPrivileged:
		errs = append(errs, privilegedErrors(s.Workloads, s.Access, s.Roles)...)
	}
	if !s.Password.IsZero() {
		if err := validatePassword(s.Password); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return normalized{}, errors.Join(errs...)
	}
	return normalized{spec: s, roles: rs}, nil
}

// checkDomain reports an error when the UPN's domain is not a verified
// domain of the tenant.
func checkDomain(upn string, domains []directory.Domain) error {
	_, domain, _ := strings.Cut(upn, "@")
	for _, d := range domains {
		if strings.EqualFold(d.ID, domain) {
			if d.IsVerified {
				return nil
			}
			return fieldErr("UserPrincipalName", upn, "domain %q is not verified in the tenant", domain)
		}
	}
	var verified []string
	for _, d := range domains {
		if d.IsVerified {
			verified = append(verified, d.ID)
		}
	}
	return fieldErr("UserPrincipalName", upn, "domain %q is not a domain of the tenant (verified domains: %s)", domain, strings.Join(verified, ", "))
}
