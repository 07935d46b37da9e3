package twiliotest

// Well-known rows present in every seeded data set (unless the resource's
// Size is negative), whatever the seed.
const (
	// RecordingSid is a completed recording of a seeded call.
	RecordingSid = "RE2e915e78549694bd0a0742d2d39454e5"
	// DeletableCallSid is a completed call meant to be deleted by an example.
	DeletableCallSid = "CAaa4a99c300bd9d1bcc0d1ae9dcd248c6"
	// FeedbackCallSid is a completed call without feedback yet (an example
	// creates feedback for it).
	FeedbackCallSid = "CAdefbf2b4caa7df11dc48106385e32345"
	// WhatsAppNumberSid is the IncomingPhoneNumber enabled for WhatsApp.
	WhatsAppNumberSid = "PN4047ac009a15885690a50a1d388b8411"
	// WhatsAppNumber is its phone number.
	WhatsAppNumber = "+14155238886"
	// WhatsAppSender is the account's WhatsApp sender, usable as From.
	WhatsAppSender = "whatsapp:" + WhatsAppNumber
	// OutgoingCallerIdSid is a verified outgoing caller id.
	OutgoingCallerIdSid = "PN6f5f9bf39cb1801a6e21a5a80d274bdd"
	// OutgoingCallerIdNumber is its phone number.
	OutgoingCallerIdNumber = "+14158675309"
)
