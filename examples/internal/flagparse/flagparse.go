// Package flagparse holds the command-line parsing the example programs
// share: flag parsing with consistent exit codes ([Parse]), list flags
// ([SplitList]), and hints naming the flags behind a spec's invalid fields
// ([Hint]).
//
// It imports nothing heavy, deliberately: the examples that only ever run
// on the demo tenant (roles, onboard) use it without building the Graph
// SDK. Opening a real tenant is package tenantflag's job, for the examples
// that can (provision, verify).
package flagparse

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/cloudhub/consent/serviceaccount"
)

// SplitList splits a comma-separated flag value, dropping empty items and
// surrounding space.
func SplitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// fieldFlags names the flag that sets each field of serviceaccount.Spec and
// serviceaccount.Account.
var fieldFlags = map[string]string{
	"UserPrincipalName":   "-upn",
	"MailNickname":        "-upn",
	"DisplayName":         "-display-name",
	"UsageLocation":       "-usage-location",
	"Workloads":           "-workloads",
	"Access":              "-read-only",
	"Roles":               "-roles",
	"ID":                  "-id",
	"Account":             "-upn or -id",
	"PartnerApp.ClientID": "-app-id",
	"PartnerApp.Scopes":   "-scopes",
	"GrantConsent":        "-app-id",
}

// flagFor names the flag behind field; an element of a list field
// ("PartnerApp.Scopes[1]") is the list's.
func flagFor(field string) string {
	if i := strings.IndexByte(field, '['); i >= 0 {
		field = field[:i]
	}
	return fieldFlags[field]
}

// PartnerApp returns the partner application -app-id and -scopes (a
// comma-separated list) describe, or nil when appID is empty (no consent
// checks). It does not validate: Spec and Account validation name the
// fields.
func PartnerApp(appID, scopes string) *serviceaccount.PartnerApp {
	if strings.TrimSpace(appID) == "" {
		return nil
	}
	return &serviceaccount.PartnerApp{ClientID: strings.TrimSpace(appID), Scopes: SplitList(scopes)}
}

// Hint returns "check -upn, -usage-location" for the flags behind the
// fields that err's FieldErrors name, or "" when it names none.
func Hint(err error) string {
	var flags []string
	add := func(f string) {
		if f != "" && !slices.Contains(flags, f) {
			flags = append(flags, f)
		}
	}
	var walk func(error)
	walk = func(err error) {
		switch e := err.(type) {
		case nil:
		case interface{ Unwrap() []error }:
			for _, inner := range e.Unwrap() {
				walk(inner)
			}
		case *serviceaccount.FieldError:
			add(flagFor(e.Field))
			if errors.Is(e, serviceaccount.ErrPrivileged) {
				add("-allow-privileged")
			}
		default:
			walk(errors.Unwrap(err))
		}
	}
	walk(err)
	if len(flags) == 0 {
		return ""
	}
	return "check " + strings.Join(flags, ", ")
}

// Parse parses args and sorts out what is left: it returns 0 when -h
// asked for help, 2 on bad flags or unexpected arguments (after saying
// why on stderr), and -1 to go on.
func Parse(fs *flag.FlagSet, args []string, stderr io.Writer) int {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "%s: unexpected argument %q (flags go before arguments; this command takes none)\n", fs.Name(), fs.Arg(0))
		return 2
	}
	return -1
}
