package verify

import (
	"errors"
	"strings"

	"github.com/cloudhub/consent/directory"
)

func check(id string, st Status, evidence, remediation string) Check {
	return Check{ID: id, Title: titles[id], Status: st, Severity: severities[id], Evidence: evidence, Remediation: remediation}
}

func pass(id, evidence string) Check { return check(id, StatusPass, evidence, "") }

func fail(id, evidence, remediation string) Check {
	return check(id, StatusFail, evidence, remediation)
}

func unknown(id, evidence, remediation string) Check {
	return check(id, StatusUnknown, evidence, remediation)
}

// permissionHint is the remediation for a fact that could not be read
// because of err. What the read needed comes from the error
// ([directory.RequirementOf]): the backend that was denied knows it.
func permissionHint(err error) string {
	if hint, ok := refusalHint(err); ok { // hints.go
		return hint
	}
	req, known := directory.RequirementOf(err)
	switch {
	case errors.Is(err, directory.ErrPermission) && known:
		return "The credential lacks permission to read this. " + grantText(req) + ". Then verify again."
	case errors.Is(err, directory.ErrPermission):
		return "The credential lacks permission to read this. Grant it the permission this read needs, then verify again."
	case known:
		return "Verify again; if it persists, check the service health and the credential's permissions: " + grantText(req) + "."
	}
	return "Verify again; if it persists, check the service health and the credential's permissions."
}

// grantText says what to grant to meet r: "Grant P (or Q, R); a signed-in
// (delegated) caller also needs one of these roles: A, B".
func grantText(r directory.Requirement) string {
	var b strings.Builder
	if len(r.Permissions) > 0 {
		b.WriteString("Grant " + r.Permissions[0])
		if len(r.Permissions) > 1 {
			b.WriteString(" (or " + strings.Join(r.Permissions[1:], ", ") + ")")
		}
	}
	if len(r.Roles) > 0 {
		if b.Len() > 0 {
			b.WriteString("; a signed-in (delegated) caller also needs ")
		} else {
			b.WriteString("Assign the signed-in (delegated) caller ")
		}
		if len(r.Roles) == 1 {
			b.WriteString("the " + r.Roles[0] + " role")
		} else {
			b.WriteString("one of these roles: " + strings.Join(r.Roles, ", "))
		}
	}
	return b.String()
}
