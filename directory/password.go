package directory

import (
	"errors"
	"unicode"
	"unicode/utf8"
)

// Password length bounds of Entra ID's password policy for cloud users.
const (
	MinPasswordLength = 8
	MaxPasswordLength = 256
)

// CheckPasswordComplexity applies Microsoft Entra ID's complexity rule for
// cloud users: 8 to 256 characters, with characters from at least three of
// lower case, upper case, digits and symbols. Backends that enforce the
// rule (the fake, the Graph test server) and callers that want to check a
// password before sending it share this one definition. The error never
// contains the password.
func CheckPasswordComplexity(p string) error {
	if n := utf8.RuneCountInString(p); n < MinPasswordLength || n > MaxPasswordLength {
		return errors.New("password must be 8 to 256 characters")
	}
	var lower, upper, digit, symbol int
	for _, r := range p {
		switch {
		case unicode.IsLower(r):
			lower = 1
		case unicode.IsUpper(r):
			upper = 1
		case unicode.IsDigit(r):
			digit = 1
		default:
			symbol = 1
		}
	}
	if lower+upper+digit+symbol < 3 {
		return errors.New("password must contain three of: lower case, upper case, digits, symbols")
	}
	return nil
}
