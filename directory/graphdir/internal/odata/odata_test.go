package odata

import (
	"testing"

	"github.com/cloudhub/consent/directory"
)

func TestMethodTypeRoundTrip(t *testing.T) {
	for _, mt := range []directory.MethodType{
		directory.MethodPassword, directory.MethodMicrosoftAuthenticator, directory.MethodPhone,
		directory.MethodFido2, directory.MethodSoftwareOath, directory.MethodHardwareOath,
		directory.MethodWindowsHelloForBusiness, directory.MethodEmail, directory.MethodTemporaryAccessPass,
		directory.MethodPlatformCredential, directory.MethodExternal, "someFutureMethod",
	} {
		if got := MethodType(MethodODataType(mt)); got != mt {
			t.Errorf("MethodType(MethodODataType(%q)) = %q (via %q)", mt, got, MethodODataType(mt))
		}
	}
	for in, want := range map[string]directory.MethodType{
		"#microsoft.graph.fido2AuthenticationMethod":    directory.MethodFido2,
		"microsoft.graph.emailAuthenticationMethod":     directory.MethodEmail,
		"#microsoft.graph.externalAuthenticationMethod": directory.MethodExternal,
		"#microsoft.graph.newThing":                     "newThing",
	} {
		if got := MethodType(in); got != want {
			t.Errorf("MethodType(%q) = %q, want %q", in, got, want)
		}
	}
}
