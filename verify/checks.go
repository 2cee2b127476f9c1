package verify

import (
	"errors"

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

func permissionHint(err error, permission string) string {
	if errors.Is(err, directory.ErrPermission) {
		return "The credential lacks permission to read this. Grant " + permission + " and verify again."
	}
	return "Verify again; if it persists, check the service health and the credential's permissions (" + permission + ")."
}
