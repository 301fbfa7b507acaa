package access

import "testing"

func TestAllowed(t *testing.T) {
	t.Parallel()
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

		{"coordinator reads surveys", all(Coordinator), SurveysRead, true},
		{"coordinator adds surveys", all(Coordinator), SurveysWrite, true},
		{"admin inherits surveys", all(Admin), SurveysWrite, true},
		{"partner reads surveys", partner, SurveysRead, true},
		{"partner cannot add surveys", partner, SurveysWrite, false},
		{"facilitator cannot read surveys", all(Facilitator), SurveysRead, false},
		{"participant cannot read surveys", all(Participant), SurveysRead, false},
		{"anonymous cannot read surveys", nil, SurveysRead, false},

		{"coordinator reads activities", all(Coordinator), ActivitiesRead, true},
		{"coordinator writes activities", all(Coordinator), ActivitiesWrite, true},
		{"coordinator reads registrations", all(Coordinator), RegistrationsRead, true},
		{"coordinator writes registrations", all(Coordinator), RegistrationsWrite, true},
		{"coordinator marks attendance", all(Coordinator), AttendanceWrite, true},
		{"admin inherits activities write", all(Admin), ActivitiesWrite, true},
		{"admin inherits registrations write", all(Admin), RegistrationsWrite, true},
		{"admin inherits attendance", all(Admin), AttendanceWrite, true},
		{"facilitator reads activities", all(Facilitator), ActivitiesRead, true},
		{"facilitator reads registrations", all(Facilitator), RegistrationsRead, true},
		{"facilitator marks attendance", all(Facilitator), AttendanceWrite, true},
		{"facilitator cannot write activities", all(Facilitator), ActivitiesWrite, false},
		{"facilitator cannot read quotas", all(Facilitator), QuotasRead, false},
		{"coordinator reads quotas", all(Coordinator), QuotasRead, true},
		{"admin inherits quotas", all(Admin), QuotasRead, true},
		{"partner cannot read quotas", partner, QuotasRead, false},
		{"coordinator reaches the section", all(Coordinator), SectionAll, true},
		{"admin reaches the section", all(Admin), SectionAll, true},
		{"facilitator does not reach the section", all(Facilitator), SectionAll, false},
		{"partner does not reach the section", partner, SectionAll, false},
		{"coordinator for one partner does not reach the section", []Grant{{Coordinator, PartnerScope(3)}}, SectionAll, false},
		{"facilitator cannot write registrations", all(Facilitator), RegistrationsWrite, false},
		{"participant cannot read activities", all(Participant), ActivitiesRead, false},
		{"participant cannot write activities", all(Participant), ActivitiesWrite, false},
		{"participant cannot read registrations", all(Participant), RegistrationsRead, false},
		{"participant cannot mark attendance", all(Participant), AttendanceWrite, false},
		{"partner cannot read activities", partner, ActivitiesRead, false},
		{"partner cannot write activities", partner, ActivitiesWrite, false},
		{"partner cannot read registrations", partner, RegistrationsRead, false},
		{"partner cannot write registrations", partner, RegistrationsWrite, false},
		{"partner cannot mark attendance", partner, AttendanceWrite, false},
		{"anonymous cannot read activities", nil, ActivitiesRead, false},
		{"anonymous cannot read registrations", nil, RegistrationsRead, false},
		{"coordinator for a partner scope cannot write activities", []Grant{{Coordinator, PartnerScope(3)}}, ActivitiesWrite, false},

		{"coordinator reads partners", all(Coordinator), PartnersRead, true},
		{"coordinator manages partners", all(Coordinator), PartnersManage, true},
		{"coordinator manages campaigns", all(Coordinator), CampaignsManage, true},
		{"coordinator contributes to campaigns", all(Coordinator), CampaignsContribute, true},
		{"coordinator reads reports", all(Coordinator), ReportsRead, true},
		{"admin inherits campaigns manage", all(Admin), CampaignsManage, true},
		{"coordinator has no partner space", all(Coordinator), PartnerSpace, false},
		{"partner reads partners in its scope", partner, PartnersRead, true},
		{"partner writes its profile", partner, PartnersWrite, true},
		{"partner cannot manage partners", partner, PartnersManage, false},
		{"partner reads campaigns", partner, CampaignsRead, true},
		{"partner contributes to campaigns", partner, CampaignsContribute, true},
		{"partner cannot manage campaigns", partner, CampaignsManage, false},
		{"partner has its space", partner, PartnerSpace, true},
		{"partner cannot read reports", partner, ReportsRead, false},
		{"partner role held section-wide gets no partner rights", all(Partner), PartnersRead, false},
		{"facilitator cannot read partners", all(Facilitator), PartnersRead, false},
		{"facilitator cannot read campaigns", all(Facilitator), CampaignsRead, false},
		{"participant cannot read campaigns", all(Participant), CampaignsRead, false},
		{"anonymous cannot read partners", nil, PartnersRead, false},
		{"anonymous cannot contribute", nil, CampaignsContribute, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := e.Allowed(tc.grants, tc.perm); got != tc.want {
				t.Fatalf("Allowed(%v, %v) = %v, want %v", tc.grants, tc.perm, got, tc.want)
			}
		})
	}
}

func TestScopes(t *testing.T) {
	t.Parallel()
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

func TestViewer(t *testing.T) {
	t.Parallel()
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		grants []Grant
		want   Viewer
	}{
		{"admin", []Grant{{Admin, AllScope}}, Viewer{UserID: 7, Staff: true}},
		{"coordinator", []Grant{{Coordinator, AllScope}}, Viewer{UserID: 7, Staff: true}},
		{"facilitator", []Grant{{Facilitator, AllScope}}, Viewer{UserID: 7}},
		{"participant", []Grant{{Participant, AllScope}}, Viewer{UserID: 7}},
		{"partner member", []Grant{{Partner, PartnerScope(3)}}, Viewer{UserID: 7, PartnerID: 3}},
		{"coordinator held for one organisation", []Grant{{Coordinator, PartnerScope(3)}}, Viewer{UserID: 7}},
		{"facilitator and partner member", []Grant{{Facilitator, AllScope}, {Partner, PartnerScope(4)}}, Viewer{UserID: 7, PartnerID: 4}},
	} {
		if got := e.Viewer(7, tc.grants); got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
}
