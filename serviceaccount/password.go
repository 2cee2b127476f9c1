package serviceaccount

import (
	"crypto/rand"
	"fmt"
	"io"
	"math/big"

	"github.com/cloudhub/consent/directory"
)

// PasswordLength is the length of a generated temporary password.
const PasswordLength = 24

const (
	lowerChars  = "abcdefghijkmnopqrstuvwxyz"
	upperChars  = "ABCDEFGHJKLMNPQRSTUVWXYZ"
	digitChars  = "23456789"
	symbolChars = "!#$%&*+-=?@^_~"
)

// generatePassword returns a PasswordLength-character password with at
// least one character of each class, drawn uniformly from r.
func generatePassword(r io.Reader) (directory.Password, error) {
	all := lowerChars + upperChars + digitChars + symbolChars
	buf := make([]byte, PasswordLength)
	for i, set := range []string{lowerChars, upperChars, digitChars, symbolChars} {
		c, err := pick(r, set)
		if err != nil {
			return directory.Password{}, err
		}
		buf[i] = c
	}
	for i := 4; i < len(buf); i++ {
		c, err := pick(r, all)
		if err != nil {
			return directory.Password{}, err
		}
		buf[i] = c
	}
	// Fisher-Yates, so the classes are not in fixed positions.
	for i := len(buf) - 1; i > 0; i-- {
		j, err := rand.Int(r, big.NewInt(int64(i+1)))
		if err != nil {
			return directory.Password{}, fmt.Errorf("serviceaccount: generate password: %w", err)
		}
		buf[i], buf[j.Int64()] = buf[j.Int64()], buf[i]
	}
	return directory.NewPassword(string(buf)), nil
}

func pick(r io.Reader, set string) (byte, error) {
	n, err := rand.Int(r, big.NewInt(int64(len(set))))
	if err != nil {
		return 0, fmt.Errorf("serviceaccount: generate password: %w", err)
	}
	return set[n.Int64()], nil
}
