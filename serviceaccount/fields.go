package serviceaccount

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cloudhub/consent/directory"
)

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
