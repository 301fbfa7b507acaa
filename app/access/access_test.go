package access

import "testing"

func TestAllowed(t *testing.T) {
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	all := func(role string) []Grant { return []Grant{{role, AllScope}} }
	partner := []Grant{{Partner, PartnerScope(3)}}
	for _, tc := range []struct {
		name   string
		grants []Grant
		perm   Permission
		want   bool
	}{
		{"anonymous reads public", nil, Public, true},
		{"anonymous has no account", nil, AccountRead, false},
		{"anonymous cannot manage", nil, ManageRead, false},
		{"participant account", all(Participant), AccountWrite, true},
		{"participant cannot manage", all(Participant), ManageRead, false},
		{"participant cannot read users", all(Participant), UsersRead, false},
		{"facilitator manages", all(Facilitator), ManageRead, true},
		{"facilitator cannot read audit", all(Facilitator), AuditRead, false},
		{"coordinator manages", all(Coordinator), ManageRead, true},
		{"coordinator cannot read users", all(Coordinator), UsersRead, false},
		{"coordinator cannot read audit", all(Coordinator), AuditRead, false},
		{"admin reads users", all(Admin), UsersRead, true},
		{"admin writes users", all(Admin), UsersWrite, true},
		{"admin reads audit", all(Admin), AuditRead, true},
		{"admin inherits coordinator", all(Admin), ManageRead, true},
		{"admin inherits account", all(Admin), AccountWrite, true},
		{"partner in its scope has account", partner, AccountRead, true},
		{"partner cannot manage", partner, ManageRead, false},
		{"partner role without partner scope gets nothing", all(Partner), AccountRead, false},
		{"unknown role gets nothing beyond public", all("superuser"), ManageRead, false},
		{"coordinator held only for a partner scope is not staff", []Grant{{Coordinator, PartnerScope(3)}}, ManageRead, false},
		{"unknown permission denied", all(Admin), Permission{"nothing", "read"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := e.Allowed(tc.grants, tc.perm); got != tc.want {
				t.Fatalf("Allowed(%v, %v) = %v, want %v", tc.grants, tc.perm, got, tc.want)
			}
		})
	}
}

func TestScopes(t *testing.T) {
	if id, ok := ScopePartnerID(PartnerScope(42)); !ok || id != 42 {
		t.Fatalf("round trip: %d %v", id, ok)
	}
	for _, s := range []string{"*", "partner:", "partner:x", "partner:-1", "org:3"} {
		if _, ok := ScopePartnerID(s); ok {
			t.Errorf("ScopePartnerID(%q) accepted", s)
		}
	}
	if ValidRole(Anonymous) || !ValidRole(Coordinator) {
		t.Error("ValidRole")
	}
}
