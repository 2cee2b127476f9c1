package verify

import (
	"errors"
	"strings"

	"github.com/cloudhub/consent/directory"
)

// remedy says what to do about a read that failed with err, by the class
// of the failure: a licence the tenant lacks, a Conditional Access claims
// challenge, a directory backend that cannot do the read at all, or else
// what [permissionHint] says (a permission to grant and, for a delegated
// caller, the role the signed-in user must hold, as the error says through
// [directory.RequirementOf]).
func remedy(err error) string {
	req, _ := directory.RequirementOf(err)
	switch {
	case errors.Is(err, directory.ErrNotLicensed) || len(req.Licenses) > 0:
		licence := "the licence this needs"
		if len(req.Licenses) > 0 {
			licence = strings.Join(req.Licenses, " or ")
		}
		return "The tenant lacks " + licence + ": no permission changes that. Add the licence to the tenant, or accept that this fact cannot be read."
	case req.Claims:
		return "A Conditional Access policy (or continuous access evaluation) refused the credential's token: get a new token that satisfies the policy's claims challenge (sign in again, with the MFA or device it asks for), or exclude the tool's identity from the policy. A permission grant will not help."
	case errors.Is(err, errors.ErrUnsupported):
		return "This directory backend cannot read it: verify with the Microsoft Graph backend (package graphdir), which reads every path."
	}
	return permissionHint(err)
}
