package serviceaccount_test

import (
	"context"
	"strings"
	"testing"

	"github.com/cloudhub/consent/directorytest"
	"github.com/cloudhub/consent/roles"
	"github.com/cloudhub/consent/serviceaccount"
)

// A hostile, huge value is quoted only in part, so errors and the log lines
// made of them stay small.
func TestHugeValueIsTruncatedInErrors(t *testing.T) {
	huge := strings.Repeat("a", 1<<20) + "@contoso.onmicrosoft.com"
	_, err := serviceaccount.New(directorytest.New(nil), nil).Provision(context.Background(), serviceaccount.Spec{
		UserPrincipalName: huge, DisplayName: strings.Repeat("d", 1<<20), UsageLocation: "AU",
		Workloads: []roles.Workload{roles.Teams},
	})
	if err == nil {
		t.Fatal("Provision accepted a 1 MiB UPN")
	}
	if n := len(err.Error()); n > 8<<10 {
		t.Errorf("error is %d bytes; want it bounded", n)
	}
	if !strings.Contains(err.Error(), "UserPrincipalName") || !strings.Contains(err.Error(), "bytes)") {
		t.Errorf("error %.300q does not name the field and the truncated size", err)
	}
}
