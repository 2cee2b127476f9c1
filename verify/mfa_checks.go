package verify

import (
	"fmt"
	"strings"

	"github.com/cloudhub/consent/directory"
)

// mfaKind says whether a method type is a second factor.
//
// The classification follows the derived types of authenticationMethod in
// Microsoft Graph v1.0 (https://learn.microsoft.com/graph/api/resources/authenticationmethod),
// eleven today: second factors are Microsoft Authenticator, phone, FIDO2,
// software OATH, Windows Hello for Business, platform credential and an
// external method; not second factors are password, temporary access pass
// (a one-time sign-in, not a registered factor), email (self-service
// password reset only) and QR code + PIN (documented as single-factor, for
// frontline workers). Hardware OATH tokens are listed only in the beta
// version (hardwareOathAuthenticationMethod) and stay recognised as a
// second factor. A type this SDK does not know is unknown: a new Graph
// method type is neither trusted nor held against the account.
func mfaKind(t directory.MethodType) (strong, known bool) {
	switch t {
	case directory.MethodMicrosoftAuthenticator, directory.MethodPhone, directory.MethodFido2,
		directory.MethodSoftwareOath, directory.MethodHardwareOath, directory.MethodWindowsHelloForBusiness,
		directory.MethodPlatformCredential, directory.MethodExternal:
		return true, true
	case directory.MethodPassword, directory.MethodTemporaryAccessPass, directory.MethodEmail, directory.MethodQRCodePin:
		return false, true
	}
	return false, false
}

func mfaCheck(snap directory.Snapshot) Check {
	if err := snap.AuthenticationMethodsErr; err != nil {
		return unknown(CheckMFARegistered, fmt.Sprintf("authentication methods could not be read: %v", err),
			permissionHint(err))
	}
	var strong, unrecognised, all []string
	for _, m := range snap.AuthenticationMethods {
		all = append(all, string(m.Type))
		switch ok, known := mfaKind(m.Type); {
		case ok:
			strong = append(strong, string(m.Type))
		case !known:
			unrecognised = append(unrecognised, string(m.Type))
		}
	}
	const remediation = "Sign in as the service account and register Microsoft Authenticator, a FIDO2 security key or another MFA method (https://aka.ms/mysecurityinfo)."
	switch {
	case len(strong) > 0:
		return pass(CheckMFARegistered, "registered: "+strings.Join(all, ", "))
	case len(unrecognised) > 0:
		return unknown(CheckMFARegistered, "registered: "+strings.Join(all, ", ")+" ("+strings.Join(unrecognised, ", ")+": a method type this SDK does not know, which may or may not be a second factor)",
			"Check the method in the Microsoft Entra admin center (Users > the account > Authentication methods), or register a known MFA method: "+remediation)
	case len(all) == 0:
		return fail(CheckMFARegistered, "no authentication method registered", remediation)
	}
	return fail(CheckMFARegistered, "registered: "+strings.Join(all, ", ")+" (none is a second factor)", remediation)
}
