package verify

import (
	"fmt"
	"strings"
	"time"

	"github.com/cloudhub/consent/directory"
	"github.com/cloudhub/consent/serviceaccount"
)

// userCheckIDs are the IDs of the checks that need the user, in report
// order: a passwordless account has credential.registered instead of
// password.changed.
func userCheckIDs(acct serviceaccount.Account) []string {
	ids := []string{CheckEnabled, CheckMember, CheckCloudOnly, CheckUsageLocation, CheckPasswordChanged, CheckMFARegistered}
	if acct.Passwordless {
		ids = []string{CheckEnabled, CheckMember, CheckCloudOnly, CheckUsageLocation, CheckMFARegistered, CheckCredentialRegistered}
	}
	return append(ids, CheckMFAEnforced, CheckMFAPhishingResistant, CheckRolesAssigned, CheckLeastPrivilege, CheckNoUnexpectedPrivAdm)
}

// credentialCheck is credential.registered, for an account onboarded with a
// Temporary Access Pass: the owner signed in with the pass and registered a
// strong method, and no pass is left to sign in with. A pass still usable
// after the registration is a warning (it expires by itself, but until then
// it is a second way in); one whose usability the backend did not report is
// treated as usable.
func (v *Verifier) credentialCheck(snap directory.Snapshot) Check {
	if err := snap.AuthenticationMethodsErr; err != nil {
		return unknown(CheckCredentialRegistered, fmt.Sprintf("authentication methods could not be read: %v", err), permissionHint(err))
	}
	var strong []string
	var usable, spent []directory.AuthenticationMethod
	for _, m := range snap.AuthenticationMethods {
		if ok, _ := mfaKind(m.Type); ok {
			strong = append(strong, string(m.Type))
		}
		if m.Type != directory.MethodTemporaryAccessPass {
			continue
		}
		if m.AccessPass == nil || m.AccessPass.Usable {
			usable = append(usable, m)
		} else {
			spent = append(spent, m)
		}
	}
	passes := describePasses(usable, spent)
	switch {
	case len(strong) > 0 && len(usable) == 0:
		return pass(CheckCredentialRegistered, "strong method(s) registered: "+strings.Join(strong, ", ")+"; "+passes)
	case len(strong) > 0:
		return check(CheckCredentialRegistered, StatusWarn, "strong method(s) registered: "+strings.Join(strong, ", ")+"; "+passes,
			"The Temporary Access Pass is no longer needed: delete it (Users > the account > Authentication methods) or let it expire.")
	case len(usable) > 0:
		return fail(CheckCredentialRegistered, "no strong method registered yet; "+passes,
			"The owner signs in at https://aka.ms/mysecurityinfo with the Temporary Access Pass and registers a passkey or Microsoft Authenticator before the pass expires.")
	}
	return fail(CheckCredentialRegistered, "no strong method registered and no usable Temporary Access Pass; "+passes,
		"Issue a new pass: re-run Provision with Spec.TemporaryAccessPass.Renew set (or create one in Users > the account > Authentication methods), then have the owner register a strong method with it.")
}

// describePasses says what passes the account has, with their validity.
func describePasses(usable, spent []directory.AuthenticationMethod) string {
	var parts []string
	for _, m := range usable {
		if m.AccessPass == nil {
			parts = append(parts, fmt.Sprintf("Temporary Access Pass %s (usability not reported)", m.ID))
			continue
		}
		parts = append(parts, fmt.Sprintf("Temporary Access Pass %s usable until %s", m.ID, m.AccessPass.EndDateTime().UTC().Format(time.RFC3339)))
	}
	for _, m := range spent {
		parts = append(parts, fmt.Sprintf("Temporary Access Pass %s not usable (%s, valid %s to %s)", m.ID, m.AccessPass.Reason,
			m.AccessPass.StartDateTime.UTC().Format(time.RFC3339), m.AccessPass.EndDateTime().UTC().Format(time.RFC3339)))
	}
	if len(parts) == 0 {
		return "no Temporary Access Pass"
	}
	return strings.Join(parts, "; ")
}
