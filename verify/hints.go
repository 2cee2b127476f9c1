package verify

import (
	"errors"
	"strings"

	"github.com/cloudhub/consent/directory"
)

// refusalHint is the remediation for a read refused for a reason no
// permission lifts, by the class of the failure: a licence the tenant
// lacks ([directory.ErrNotLicensed], or the licences the error names), a
// Conditional Access claims challenge, or a directory backend that cannot
// do the read at all ([errors.ErrUnsupported]). ok is false for any other
// failure, which [permissionHint] renders (a permission to grant and, for
// a delegated caller, the role the signed-in user must hold).
func refusalHint(err error) (hint string, ok bool) {
	req, _ := directory.RequirementOf(err)
	switch {
	case errors.Is(err, directory.ErrNotLicensed) || len(req.Licenses) > 0:
		licence := "the licence this needs"
		if len(req.Licenses) > 0 {
			licence = strings.Join(req.Licenses, " or ")
		}
		return "The tenant lacks " + licence + ": no permission changes that. Add the licence to the tenant, or accept that this fact cannot be read.", true
	case req.Claims:
		return "A Conditional Access policy (or continuous access evaluation) refused the credential's token: get a new token that satisfies the policy's claims challenge (sign in again, with the MFA or device it asks for), or exclude the tool's identity from the policy. A permission grant will not help.", true
	case errors.Is(err, errors.ErrUnsupported):
		return "This directory backend cannot read it: verify with the Microsoft Graph backend (package graphdir), which reads every path.", true
	}
	return "", false
}
