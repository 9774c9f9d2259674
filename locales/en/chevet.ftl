# Chevet — user interface text (English).

## Application
app-name = Chevet
app-tagline = Patient record, DMP and health messaging, at the bedside.
app-window-title = Chevet
app-window-title-sandbox = Chevet — SANDBOX (fictitious data)

## Menus
menu-patients = Patients
menu-folder = Folder
menu-logout = Sign out
menu-about = About
menu-settings = Settings

## Common
common-cancel = Cancel
common-dismiss = Dismiss
common-close = Close
task-running = Working
task-done = Done.
task-cancelled = Cancelled: what was done is kept.

## Login
login-title = Sign in
login-store-opening = Opening the encrypted database…
login-store-failed-help = The database could not be opened. No data was changed. Contact IT support and give the time of the incident.
login-identifier = Login
login-password = Password
login-submit = Sign in
login-checking = Checking…
login-first-admin-title = First start
login-first-admin-help = No account exists yet. Create the administrator account, which will then create the professionals' accounts.
login-display-name = Display name
login-password-confirm = Confirm password
login-password-mismatch = The two passwords differ.
login-first-admin-submit = Create the administrator account

## Sandbox
sandbox-marker = SANDBOX — fictitious data
sandbox-marker-help = Sandbox mode: services simulated on this computer and fictitious patients. No real data.
sandbox-accounts-title = Demo accounts
sandbox-accounts-help = These accounts exist in the sandbox only.
sandbox-accounts-role = Role

## Identity status (RNIV)
identity-provisoire = Provisional identity
identity-recuperee = Retrieved identity
identity-validee = Validated identity
identity-qualifiee = Qualified identity
identity-provisoire-help = Declared identity: INS not verified with the INSi service, no ID document checked.
identity-recuperee-help = INS obtained from the INSi service, ID document not checked.
identity-validee-help = High-trust ID document checked, INS not retrieved.
identity-qualifiee-help = INS verified and identity checked: the INS may be used in exchanges.

## Sex
sex-male = Male
sex-female = Female
sex-unknown = Unknown

## Episodes
episode-hospitalisation = Hospital stay
episode-consultation = Outpatient consultation
episode-urgence = Emergency

## Roles
role-medecin = Physician
role-interne = Resident
role-infirmier = Nurse
role-secretaire = Medical secretary
role-admin = Administrator

## Document provenance
provenance-local = Produced in this hospital
provenance-dmp = Integrated from the DMP
provenance-dmp-not-integrated = In the DMP, not integrated into the folder yet
doc-not-filed = not filed in a folder yet
provenance-mss = Received by MSSanté
provenance-xdm = Imported from an XDM archive
provenance-short-local = LOC
provenance-short-dmp = DMP
provenance-short-mss = MSS
provenance-short-xdm = XDM
share-dmp = DMP
share-mss = MSS
share-mss-pending = MSSanté sending
share-mss-sent = MSSanté sent
share-mss-failed = MSSanté failed
share-mss-withdrawn = MSSanté withdrawn

## Patient list
patients-title = Patients
patients-search = Search
patients-search-hint = Name, first name, INS, IPP or birth date (dd/mm/yyyy)
patients-count = { $count ->
    [one] { $count } patient
   *[other] { $count } patients
}
patients-none = No patient matches the search.
patients-age = { $years } y
patients-col-name = Name
patients-col-birth = Born
patients-col-sex = Sex
patients-col-ipp = IPP
patients-col-ins = INS
patients-col-identity = Identity

## Patient folder
folder-born = Born { $date } ({ $years } years)
folder-birth-first-names = Birth first names
folder-birthplace = Birthplace (INSEE)
folder-ipp = IPP
folder-ins = INS
folder-no-ins = none
folder-ins-nir = NIR
folder-ins-nia = NIA
folder-ins-test = test NIR
folder-ins-demo = demo NIR
folder-ins-not-usable = INS not usable in exchanges until the identity is qualified
folder-episodes = Episodes
folder-no-episodes = No episode recorded.
folder-episode-open = Ongoing
folder-episode-ongoing = ongoing
folder-episode-finess = FINESS { $finess }
folder-documents = Documents
folder-documents-count = { $count ->
    [one] { $count } document
   *[other] { $count } documents
}
folder-no-documents = No document in this folder.
folder-documents-forbidden = Your role gives no access to document content.
folder-col-provenance = Src
folder-col-sharing = Sharing
folder-col-type = Type
folder-col-title = Title
folder-col-date = Act date
folder-col-author = Author
folder-col-organisation = Organisation
folder-history = History: { $count } versions (key H)
folder-col-version = Ver.

## Document
doc-back = ← Folder
doc-newer-exists = This is not the latest version: version { $version } of { $date } replaces it.
doc-open-newer = Open the latest version
doc-version = v{ $version }
doc-confidentiality-n = Normal confidentiality
doc-confidentiality-r = Restricted
doc-confidentiality-v = Very restricted
doc-pdf-undecodable = The PDF inside this document is unreadable (damaged base64). Ask the producer to send it again.

## About
about-version = Version
about-mode-sandbox = Sandbox mode: simulated services, fictitious data.
about-mode-production = Production mode.
about-data-dir = Data directory
about-licence = MIT or Apache-2.0 licence.

## Settings
settings-title = Settings
settings-display = Display
settings-language = Language
settings-dark = Dark theme
settings-storage = Storage
settings-log-dir = Logs
settings-key-keyring = Database key kept in the system keyring ({ $store }).
settings-key-file = Database key kept in the file { $path } (readable by this account only).
settings-record-shared = The establishment's shared record: { $server } (establishment mode).
settings-audit = Audit trail
settings-audit-verify = Verify the audit chain
settings-audit-intact = { $rows } entries verified: chain intact.
settings-audit-broken = Audit chain broken after { $rows } entries: an entry was changed or removed. Alert the security officer.
settings-sandbox = Sandbox
settings-sandbox-generate-help = Adds fictitious patients (identities and episodes) for load tests.
settings-sandbox-count = Number of patients
settings-sandbox-generate = Generate

## Storage
store-key-file-warning = No durable system keyring is available: the database key is kept in a file readable by your account only. See Settings → Storage.

## Errors
error-store-wrong-key = The key does not match the database. No data was changed; contact IT support.
error-store-key-missing = The database exists but its key cannot be found (keyring emptied?). No data was changed; contact IT support.
error-store-key-permissions = The key file is readable by other accounts: Chevet refuses to use it. Restrict it to its owner, then restart.
error-store-no-keyring = No system keyring is reachable although the configuration requires one.
error-store-too-new = This database was written by a newer Chevet. Install the latest version.
error-store-busy = The database is busy. Try again in a moment.
error-store-too-old = The shared database has not been updated for this version of Chevet yet. Ask IT to update it (chevet serve).
error-store-unreachable = The shared database cannot be reached. Check the network, try again, then call IT if it lasts.
error-store-denied = The shared database refused this operation to this workstation.
error-store-generic = Local database error. Nothing was done; try again, then contact IT support if it persists.
error-store-not-open = The database is not open yet.
error-not-found = Not found: it may have been deleted.
error-duplicate = This already exists.
error-login-bad-credentials = Wrong login or password.
error-login-locked = Account locked for a few minutes after several failures. Try again later or contact IT support.
error-login-disabled = This account is disabled.
error-password-too-short = The password must have at least 8 characters.
error-login-taken = This login is already taken.
error-no-session = Your session has ended: sign in again.
error-forbidden = Your role does not allow this.
error-internal = Internal error: nothing was done. Restart Chevet if it persists.
error-sandbox-seed = The demo data could not be created.
error-busy = Chevet is very busy: the action was not taken, try again.

## PDF viewer
pdf-previous = ◀ Previous page
pdf-next = Next page ▶
pdf-page-of = Page { $page } of { $count }
pdf-zoom-out = −
pdf-zoom-in = +
pdf-fit-width = Fit width
pdf-page-alt = PDF page { $page }
pdf-engine-missing = The PDF engine (PDFium) is not installed on this computer: the PDF cannot be shown. The rest of the document stays readable. Contact IT support.
pdf-damaged = The PDF of this document is damaged and cannot be shown.
pdf-encrypted = The PDF of this document is password-protected.
pdf-render-failed = This PDF page could not be shown.

## Unreadable CDA documents
error-cda-too-large = This document exceeds the largest size accepted: it was not opened. Ask the sender for a version without large attachments.
error-cda-doctype = This document contains a DOCTYPE declaration, forbidden in a CDA document (external entity risk): it was refused. Report it to the sender.
error-cda-encoding = This document's character encoding is not supported: ask the sender for a UTF-8 document.
error-cda-malformed = This document is not well-formed XML: the file is probably corrupt. Ask the sender to send it again.
error-cda-truncated = This document stops before its end: the file is truncated. Ask the sender to send it again.
error-cda-entity = This document uses an unknown XML entity: it cannot be read. Report it to the sender.
error-cda-too-deep = This document is nested too deeply: it was refused for safety. Report it to the sender.
error-cda-not-cda = This file is not a CDA R2 document.
error-cda-missing-id = This CDA document has no identifier: it cannot be filed. Ask the sender for a conforming document.
error-cda-content = A content embedded in this document is damaged or not embedded in the document.

## Writing documents
produce-start = ✎ Write a document
produce-title = Write a document
produce-kind = Document type
produce-kind-ldl = Discharge letter
produce-kind-cro = Operative report
produce-kind-ordonnance = Discharge prescription
produce-kind-crc = Consultation report
produce-episode = Episode
produce-no-episode = No episode
produce-doc-title = Title
produce-text-hint = Free text. A blank line separates paragraphs; "- " at the start of a line makes a list.
produce-med-name = Medication
produce-med-posology = Posology
produce-med-duration = Duration
produce-med-instructions = Instructions
produce-med-add = + Add a line
produce-med-remove = Remove
produce-submit = Produce the document (CDA + PDF)
produce-pending = Producing the document…
produce-done = Document produced and filed in the folder.
produce-ins-included = Qualified identity: the INS and its "INS à scanner" code will be in the document.
produce-ins-not-included = Identity not qualified: the INS will not be in the document (only the IPP identifies the patient).
error-produce-empty = The document is empty: fill at least one section.
error-produce-missing = A mandatory field of the document is empty (title, professional or establishment identity): fill it.
error-produce-invalid = A value of the document is invalid (RPPS, FINESS or establishment OID): check your account and the establishment configuration.
error-produce-no-professional = Your account has no health-professional identity (RPPS, specialty): it cannot sign documents. Contact the administrator.
error-outbox-document = This document cannot be prepared for the DMP (its id or content is refused).
error-outbox-not-configured = Feeding the DMP is not configured on this workstation.
error-produce-no-establishment = The establishment is not configured (name, FINESS, document OID): contact IT support.
doc-open-stylesheet = Open with the stylesheet
doc-open-stylesheet-help = Shows the document in the browser with its own stylesheet or the ANS one (temporary copy deleted after 5 minutes).
error-xslt-missing = The xsltproc program is not installed on this computer: the stylesheet cannot be applied. Contact IT support (package "xsltproc").
error-xslt-failed = The stylesheet could not be applied to this document. Chevet's own view remains available.
error-xslt-timeout = Applying the stylesheet took too long and was stopped. Try again.

## Structured view
structured-image-unavailable = Image not shown ({"{"}type{"}"})
structured-attached-document = Attached document ({"{"}type{"}"}): open it from the attachments
structured-missing-media = Referenced content missing from the document
structured-notes = Notes
structured-link-not-opened = Not a web address: the link is not opened
structured-empty = This document has no structured content to show.
error-narrative-doctype = This section contains a forbidden declaration: it is not shown.
error-narrative-malformed = This section is malformed: it is not shown. The document's PDF, if any, stays readable.
error-narrative-too-large = This section is too large or too deeply nested to be shown.
error-image-unreadable = This image is unreadable or too large to be shown.
doc-view-pdf = PDF
doc-view-content = Document
doc-view-structured = Structured view
doc-view-key = Key V: switch between the PDF and the structured view
doc-attachments = Attachments:
doc-attachment = { $title } ({ $type }, { $kib } KiB)
doc-no-content = This document has no content to show.
doc-unsupported = This content ({ $type }) cannot be shown in Chevet.
doc-image-alt = Document image

## DMP exchanges
error-dmp-connect = The DMP cannot be reached: no connection could be made. Check that the hospital network works, then try again; if it goes on, tell the IT department.
error-dmp-tls = The DMP refused the secure connection (hospital certificate, CPS card or configuration). Trying again will not help: tell the IT department.
error-dmp-certificate-server = The certificate shown by the DMP server is not recognised: for safety, Chevet sent it nothing. Tell the IT department.
error-dmp-certificate-client = The DMP refused the connection certificate (CPS card or hospital certificate): it may have expired or been revoked. Check your card; otherwise, tell the IT department.
error-dmp-timeout = The DMP did not answer in time. Try again in a moment.
error-dmp-connection-reset = The connection with the DMP was cut. Try again in a moment.
error-dmp-http-server = The DMP service has a technical problem. Try again in a few minutes.
error-dmp-http-client = The DMP refused the request Chevet sent. Trying again will not help: tell the IT department, with the time of the error.
error-dmp-fault-receiver = The DMP could not handle the request because of a problem on its side. Try again in a few minutes.
error-dmp-fault-sender = The DMP found the request incorrect and refused it. Trying again will not help: tell the IT department, with the time of the error.
error-dmp-fault-protocol = Chevet and the DMP do not speak the same version of the protocol. Tell the IT department: Chevet may need an update.
error-dmp-registry-busy = The DMP's document registry is overloaded for the moment. Try again in a few minutes.
error-dmp-registry = The DMP refused the operation on the documents. Tell the IT department, with the time of the error.
error-dmp-hl7-refused = The DMP refused the request about this record. Tell the IT department, with the time of the error.
error-dmp-service-status = The DMP did not carry out the requested operation. Try again later; if it goes on, tell the IT department.
error-dmp-malformed = Chevet could not read the DMP's answer. The operation may have been done anyway: check the record before starting again, and tell the IT department if it happens again.
error-dmp-no-dmp = This patient has no DMP: there is nothing to read or to add to. The patient can open it from Mon espace santé.
error-dmp-closed = This patient's DMP is closed: it can be neither read nor added to. The patient can ask for it to be reactivated.
error-dmp-authorization-missing = You have no access authorisation on this patient's DMP yet. Ask for the patient's agreement, record it in Chevet, then try again.
error-dmp-authorization-expired = Your access authorisation on this patient's DMP has expired. Ask for the patient's agreement again, record it in Chevet, then try again.
error-dmp-blocked-by-patient = The patient has blocked your access to their DMP. You cannot read it; the patient can lift the block from Mon espace santé.
error-dmp-opposition-bris-de-glace = The patient has refused emergency ("bris de glace") access to their DMP: you cannot read it in this mode.
error-dmp-opposition-centre-15 = The patient has refused access to their DMP by the regulating physician of the centre 15: you cannot read it in this mode.
error-dmp-document-not-found = This document is no longer in the DMP (deleted, replaced or archived). Refresh the list of documents.
error-dmp-unknown-patient = The DMP knows no patient with this INS. Check the patient's identity and INS (INSi service) before trying again.
error-dmp-vihf-rejected = The DMP refused your identification. Sign in again or re-insert your CPS card; if it goes on, tell the IT department.
error-dmp-too-many-results = The search returns too many results. Narrow it down (period, document type) and run it again.

## Identity: Pro Santé Connect, OpenID providers, CPS card, lock
login-tab-provider = Pro Santé Connect
login-tab-card = CPS card
login-tab-password = Local account
login-no-provider = No identity provider is configured.
login-provider-browser = Sign in with { $provider }
login-ciba-title = Sign in with e-CPS (no browser)
login-ciba-help = Type your national id, then approve the request in the e-CPS app on your phone.
login-national-id = National id (RPPS prefixed with 8)
login-ciba-submit = Send the request to my e-CPS
login-ciba-sending = Sending the request to Pro Santé Connect…
login-ciba-approve = In the e-CPS app, check that this number shows, then approve:
login-ciba-countdown = The request expires in { $seconds } s.
login-browser-opening = Opening the browser…
login-browser-waiting = Finish signing in in the browser that just opened.
login-browser-help = Chevet takes over as soon as the identity provider answers. You can cancel at any time.
login-activity-title = You work in several organisations: pick the one for this session.
login-cancel = Cancel
login-cancelled = Sign-in cancelled.
login-link-title = First sign-in of { $name }
login-link-help-suggested = A local account already holds your national id. To link it, type its password, or ask an administrator.
login-link-help = To link this identity to your local account, type its login and password, or ask an administrator.
login-link-submit = Link with the password
login-link-ask-admin = Ask an administrator
login-link-requested = Your request was sent. You can sign in once an administrator accepts it.
login-link-create-help = No local account? Chevet can create one, with your profession's role.
login-link-create = Create my account
login-link-no-role = Your profession does not open an account automatically: ask an administrator.
card-no-service = No smart-card service (PC/SC) on this workstation.
card-no-reader = No card reader is plugged in.
card-insert = Insert your CPS card.
card-virtual-badge = VIRTUAL CARD (sandbox)
card-attempts-left = Attempts left: { $count }
card-pin-wrong = Wrong PIN. Attempts left: { $count }
card-pin-blocked = Card blocked after too many attempts: unblock it with your PUK (CPS-Gestion) or contact the agency.
card-pin = PIN
card-pin-submit = Confirm
card-checking = Checking the card…
card-virtual-title = Sandbox virtual CPS card
card-virtual-help = To try the card login without a reader: Dr Claire Lambert, PIN 1234.
card-virtual-insert = Insert the virtual card
card-virtual-pull = Pull the virtual card
lock-title = Session locked
lock-reason-card = The card was pulled from the reader.
lock-reason-inactivity = The session locked after a period of inactivity.
lock-reason-user = You locked the session.
lock-card-help = Insert your card again to unlock.
lock-unlock = Unlock
lock-reauthenticate = Sign in again to unlock
lock-switch-user = Switch user
settings-links = Identity links waiting
settings-links-refresh = Show the requests
settings-links-none = No request waiting.
settings-links-approve = Accept
settings-links-refuse = Refuse
error-link-pending = Linking your identity to a local account waits for an administrator.
error-link-mismatch = This local account belongs to another professional.
error-link-no-role = No role is defined for your profession: an administrator must create your account.
error-login-expired = The sign-in under way expired: start again.
error-card-no-virtual = The virtual card exists only in the sandbox.
menu-lock = Lock
login-ciba-sandbox-ecps = Open the sandbox e-CPS to approve
error-card-no-reader = No card reader is connected.
error-card-no-card = Insert your CPS card into the reader.
error-card-removed = The card was removed.
error-card-service = The smart card service (pcscd) is not responding; try again shortly or tell the IT department.
error-card-wrong-pin = Wrong PIN.
error-card-pin-blocked = The PIN is blocked. Unblock the card with your unblocking code (PUK).
error-card-pin-required = Enter your PIN first.
error-card-pin-format = The PIN has 4 to 8 digits.
error-card-not-cps = This card is not a CPS card.
error-card-status = The card refused the operation.
error-card-malformed = The card's answer could not be read; remove it and insert it again.
error-card-bad-signature = The card could not prove it holds its certificate's key.
error-card-pcsc = Card reader error; remove the card and try again.
error-oidc-config = The identity provider is misconfigured (address, issuer or client credentials): tell the IT department.
error-oidc-unreachable = The identity provider does not answer. Check the network, then try again.
error-oidc-provider = The identity provider refused the request. Try again; if it persists, tell the IT department.
error-oidc-denied = Sign-in was refused (in the browser or on the e-CPS).
error-oidc-expired = The sign-in request expired before it was approved: start again.
error-oidc-invalid-token = The identity provider's answer is not valid (signature, issuer or authentication level): sign-in refused for safety.
error-oidc-state = The answer received does not match this sign-in request: start again.
error-oidc-cancelled = Sign-in cancelled.
error-oidc-unknown-user = Pro Santé Connect does not know this national id. Check it (8 followed by the 11 RPPS digits) and try again.
sandbox-psc-help = Simulated Pro Santé Connect: Dr Claire Lambert's national id is 810101234567 (e-CPS: open the approval page offered while waiting); virtual card: PIN 1234.

## DMP: the patient's information and opposition per episode
dmp-consent-not-informed = Patient not informed about the use of their DMP
dmp-consent-informed-not-opposed = Patient informed, does not object to the use of their DMP
dmp-consent-informed-opposed = Patient informed, objects to the use of their DMP
dmp-consent-refused-not-informed = The DMP cannot be consulted: the patient's information is not recorded for this episode.
dmp-consent-refused-opposed = The patient objects to their DMP being consulted during this episode.
dmp-consent-refused-break-glass-opposed = The patient has objected to emergency (break-glass) access to their DMP.
dmp-consent-feeding-refused-opposed = The patient objects to their DMP being fed during this episode: the document is not sent.
dmp-break-glass-reason-empty = Enter the reason for the break-glass access.
dmp-break-glass-reason-too-short = The reason must be at least 10 characters long.
dmp-break-glass-reason-too-long = The reason must not exceed 500 characters.
dmp-consent-invalid-opposition = An objection can only be ticked when the patient is "informed and objects".
dmp-consent-invalid-break-glass = Break-glass access is only for a patient who could not be informed.
dmp-consent-title = DMP: the patient's information
dmp-consent-no-episode = No episode in progress: the patient's information is recorded for an episode.
dmp-consent-recorded = Recorded by { $by } on { $at }
dmp-consent-break-glass = Break-glass access (the patient cannot be informed)
dmp-consent-opposes-feeding = Objects to their DMP being fed
dmp-consent-opposes-consultation = Objects to their DMP being consulted
dmp-break-glass-reason = Reason for the break-glass access
dmp-consent-save = Save
dmp-not-consulted = DMP not consulted
dmp-not-configured = No DMP configured
dmp-no-ins = DMP: INS not qualified
dmp-no-professional = DMP: sign in with your professional identity (CPS card or Pro Santé Connect)
dmp-checking = DMP…
dmp-last-known = last known state ({ $at }), refreshing…
dmp-retry = Retry
dmp-badge-no-dmp = No DMP
dmp-badge-closed = DMP closed
dmp-badge-authorized = DMP: access authorized
dmp-badge-blocked = DMP: the patient blocked you
dmp-badge-opposed = DMP: the patient objects
dmp-badge-not-authorized = DMP: not authorized yet
dmp-badge-authorized-now = Chevet has just set the access authorization (patient informed, not objecting).
dmp-badge-break-glass = Break glass
dmp-new-documents = DMP: { $count } new document(s)
dmp-new-documents-since = DMP: { $count } new document(s) since { $date }
dmp-new-documents-invisible = of which { $count } invisible to the patient
settings-dmp-traces-export = Extract the DMP accesses (CSV, for the DPO)
settings-dmp-traces-written = Extraction written: { $path }
dmp-traced-notice = Your DMP accesses are checked and traced with your national id (RPPS): each consultation is recorded here and by the DMP, and the patient can see it.
dmp-portal-open = Open the DMP (web)
dmp-portal-vaccination = Vaccination note
dmp-portal-not-configured = Access to the DMP web portal is not configured (the portal's context address: portal_context_url, [dmp] section).
dmp-count-new = Count the new documents
dmp-count-new-help = The count runs by itself for external consultations and emergencies (configurable); here, on request. Shortcut: Ctrl+R.
settings-dmp = DMP
settings-dmp-count-kinds = Count the DMP's new documents with no click for:
# Document list: the DMP's documents merged in
folder-col-visibility = Visibility
list-filter-all = All
list-filter-local = Local folder
list-filter-dmp = DMP ({ $count })
list-filter-dmp-key = DMP documents only (Ctrl+D)
list-dmp-loading = Asking the DMP…
list-dmp-search = Search the DMP…
list-dmp-search-key = Multi-criteria search of the DMP (Ctrl+F)
list-integrate = Integrate the selection ({ $count })
list-integrate-key = Integrate into the folder (Ctrl+I)
list-select-help = Select to integrate (Space; Shift+click: a range)
list-integrated = Integrated ✔
list-integrated-help = This DMP document is already integrated into the folder.
list-dmp-row-help = DMP document, not integrated yet: click to read it.
list-invisible-patient = Invisible to patient
list-invisible-patient-help = Invisible to the patient: not shown in Mon espace santé (waiting for the consultation d'annonce).
list-invisible-legal = Invisible to LR
list-invisible-legal-help = Invisible to the patient's legal representatives.
list-masked = Masked
list-masked-help = Masked from professionals by the patient (you see it as author or treating physician).
list-archived = Archived
list-archived-help = Archived in the DMP.
dmp-search-from = Created from
dmp-search-from-hint = YYYY-MM-DD
dmp-search-to = to
dmp-search-to-hint = YYYY-MM-DD
dmp-search-type = Type (LOINC)
dmp-search-type-hint = e.g. 11488-4
dmp-search-class = Class
dmp-search-class-hint = e.g. 10
dmp-search-author = Author
dmp-search-author-hint = name or id
dmp-search-organisation = Organisation
dmp-search-organisation-hint = name or FINESS
dmp-search-invisible = Invisible to the patient only
dmp-search-archived = Include archived
dmp-search-replaced = Include replaced versions
dmp-search-submit = Search
dmp-search-reset = Clear the criteria
dmp-search-bad-date = Date not understood: write YYYY-MM-DD or DD/MM/YYYY.
dmp-search-bad-period = The period starts after it ends.
dmp-make-visible = Make visible
dmp-make-visible-key = Make visible to the patient after the consultation d'annonce (Ctrl+M)
dmp-visible-title = Make visible in the DMP
dmp-visible-explain = The patient will be able to read this document in Mon espace santé. Confirm?
dmp-visible-patient = To the patient
dmp-visible-legal = To the legal representatives
dmp-visible-confirm = Confirm
dmp-visible-cancel = Cancel
dmp-visible-done = Document made visible in the DMP.
dmp-worklist-title = Consultation d'annonce: { $count } document(s) from this establishment still invisible to the patient
dmp-worklist-offer = A consultation d'annonce report was just saved. Make the announced documents visible?
dmp-worklist-age = sent { $days } d ago — shown anyway in { $left } d
dmp-integrate-done = Document(s) integrated into the folder.
dmp-integrate-already = Already in the folder: nothing was added.
dmp-integrate-version-taken = Refused: another version already holds this number in the folder.
dmp-integrate-some-failed = Some documents could not be read from the DMP: retry.
dmp-integrate-cancelled = Integration stopped; the documents already integrated are kept.
dmp-integrate-mismatch = The DMP returned another document than the one asked for: nothing was integrated.
dmp-document-unknown = Chevet no longer knows this DMP document: refresh the DMP list (Ctrl+R), then try again.
doc-dmp-origin = Document read from the DMP
doc-dmp-open-copy = Open the folder's copy
doc-dmp-integrate = Integrate into the folder
doc-dmp-newer = A newer version exists in the DMP ({ $date }).
doc-dmp-newer-integrate = Open and integrate the new version
doc-dmp-superseded = This document was replaced in the DMP; the new version could not be read.
doc-dmp-deleted = This document was deleted from the DMP.
produce-announcement = Consultation d'annonce
produce-announcement-help = Once saved, the folder offers to make the documents still invisible to the patient visible.
produce-announcement-title = Consultation d'annonce report
settings-dmp-count-since = Count the DMP's new documents since:
settings-dmp-since-visit = the patient's last visit
settings-dmp-since-seen = the last time the folder's DMP list was seen
settings-dmp-since-date = a date
dmp-consent-save-key = Record for the episode (Ctrl+S; Alt+1 to Alt+4 choose)
dmp-portal-open-key = The patient's DMP in the browser (Ctrl+P)
dmp-portal-vaccination-key = The patient's vaccination note (Ctrl+Shift+P)
list-select = Select “{ $title }”

# Establishment mode: degraded mode
degraded-banner = Degraded mode — the establishment's shared record cannot be reached since { $since }. Folders already opened on this workstation show from its local copy; the patient's information and integrations are queued and will be sent automatically when it is back.
record-restored = Back to normal: the shared record answers; what was queued has been sent to it.
folder-cached-copy = This workstation's local copy of { $at } (degraded mode).
error-store-needs-record = Not possible in degraded mode: this needs the shared record, which cannot be reached. Try again once back to normal.
error-login-offline = Sign-in refused in degraded mode: the shared record cannot be reached, and only accounts that already signed in on this workstation can sign in (check the login and password too). Try again once back to normal, or from your usual workstation.
services-title = Service status
services-refresh = Refresh
services-service = Service
services-state = State
services-last-success = Last success
services-last-error = Last error
services-up = answers
services-failing = failing
services-unknown = not used yet
services-not-configured = not configured
service-record = Record (database)
service-dmp = DMP
service-psc = Pro Santé Connect
service-directory = Annuaire Santé
service-gateway = Messaging gateway (PFI)

# HL7 v2 messages (GAM, messaging gateway)
error-hl7-empty = The HL7 message received is empty: it was not processed. Ask the sender to send it again.
error-hl7-no-header = The data received is not an HL7 v2 message (no MSH segment at the start): check the file or the sender's settings.
error-hl7-bad-header = The header (MSH segment) of the HL7 message cannot be used: its delimiters are missing or invalid. Report it to the sender.
error-hl7-charset = The character set declared by this HL7 message is not supported (only UNICODE UTF-8, 8859/1 and 8859/15 are): ask the sender to send UTF-8.
error-hl7-too-large = This HL7 message exceeds the largest size accepted: it was not processed. Report it to the sender.
error-hl7-unencodable = This HL7 message holds a character that cannot be written in the exchange's character set: it was not sent.
error-hl7-frame-too-large = A message received over MLLP exceeds the largest size accepted: it was ignored. Report it to the sender.
error-hl7-frame-truncated = A message received over MLLP stopped before its end (connection cut): the sender must send it again, which it normally does on its own.

# Intake: what the hospital sends (documents to reconcile, received documents, identity vigilance)
menu-inbox = Intake
menu-inbox-help = Documents received from the hospital and correspondents, to reconcile or already filed, and identity-vigilance alerts
menu-inbox-to-reconcile = { $count } to reconcile
menu-inbox-alerts = { $count ->
    [one] { $count } alert
   *[other] { $count } alerts
}
inbox-title = Intake
inbox-tab-reconcile = To reconcile ({ $count })
inbox-tab-received = Received documents
inbox-tab-alerts = Identity vigilance ({ $count })
inbox-none = No document to reconcile: everything received is filed.
inbox-filed = Document filed in the folder of { $name }.
inbox-col-received = Received
inbox-col-channel = Channel
inbox-col-sender = Sender
inbox-col-subject = Subject
inbox-col-title = Title
inbox-col-reason = Reason
inbox-col-patient = Patient
inbox-col-state = State
inbox-col-folder = Folder
inbox-channel-mss = MSSanté
inbox-channel-hl7 = HL7
inbox-channel-xdm = XDM
inbox-reason-900 = not the latest version
inbox-reason-901 = sender not authorised
inbox-reason-902 = unknown patient
inbox-reason-903 = no INS
inbox-reason-904 = INS or traits differ
inbox-reason-905 = incomplete traits
inbox-reason-906 = other
inbox-reason-import = imported XDM archive
inbox-reason-import-integrity = XDM archive: size or hash differs
inbox-reason = Reason:
inbox-sent-identity = Identity given by the sender
inbox-id-birth-name = Birth name
inbox-id-given = First name(s)
inbox-id-birth-date = Born on
inbox-id-sex = Sex
inbox-id-ins = INS
inbox-id-ipp = IPP
inbox-id-differs = proposed folder: { $value }
inbox-search = Search the patient
inbox-file = File in the folder of { $name } (Enter)
inbox-file-help = Enter files the document in the proposed folder; click another patient to pick them instead.
inbox-no-proposal = No folder matches: change the search.
inbox-refuse = Refuse
inbox-refuse-help = The document is filed in no folder; it is kept, marked refused.
inbox-received-none = No document received yet.
inbox-new = New
inbox-deleted = Deleted by the sender
inbox-open-folder = Open the folder
inbox-open-folder-help = Open the patient's folder
inbox-alerts-none = No open identity-vigilance alert.
inbox-alert-resolve = Mark as handled
inbox-alert-patient = Folder:
inbox-alert-other = Other folder:
inbox-xdm-path = XDM archive (.zip)
inbox-xdm-hint = path of the .zip file
inbox-xdm-import = Import an XDM archive
inbox-xdm-drop = You can also drop the .zip file on the window.
inbox-xdm-importing = Reading the archive…
inbox-xdm-queued = { $count ->
    [one] { $count } document waits to be reconciled.
   *[other] { $count } documents wait to be reconciled.
}
inbox-xdm-mismatches = Of which { $count } with a size or hash other than announced: check them before filing.
inbox-xdm-skipped = { $count ->
    [one] { $count } entry left out (not a CDA document).
   *[other] { $count } entries left out (not CDA documents).
}
inbox-xdm-refused = Archive refused: { $reason }
inbox-xdm-drop-zip-only = Only an XDM archive (.zip file) can be dropped on the window.
inbox-simulate = Sandbox, simulated hospital system:
inbox-simulate-admission = Simulate: admission (GAM)
inbox-simulate-mss = Simulate: MSSanté mail received
inbox-simulate-unmatched = Simulate: unmatched document
inbox-simulate-help = Sandbox: the hospital's simulated system sends a real HL7 v2 message to the workstation.
inbox-ack-aa = Simulated message received: acknowledgement AA (accepted).
inbox-ack-ae = Simulated message received: acknowledgement AE (application error); the document waits in "To reconcile".
inbox-ack-ar = Simulated message rejected: acknowledgement AR.
inbox-ack-none = Simulated message sent, without a usable acknowledgement.
folder-received-unseen = { $count ->
    [one] { $count } unread received document
   *[other] { $count } unread received documents
}
folder-received-unseen-help = Documents received by secure messaging or from the hospital's systems, not opened yet
alert-ins-traits-differ = Known INS, identity traits differ
alert-ins-on-other-patient = INS already on another folder
alert-merge-with-documents = Merge of folders that have documents
alert-merge-unknown-patient = Merge about an unknown patient
error-sandbox-only = Sandbox only.
error-hl7-no-listener = This workstation does not listen for HL7 messages (no listening address configured).
error-hl7-send = The HL7 message could not be sent, or its acknowledgement did not arrive.
error-inbox-already-decided = This document was already filed or refused (perhaps from another workstation).
error-inbox-unreadable = This received document is unreadable: it cannot be filed.

## DMP sending (the outbox)
menu-outbox = DMP sending
menu-outbox-help = The ward's documents on their way to the DMP: waiting, held, failed, sent
menu-outbox-attention = { $count ->
    [one] { $count } job needs your attention
   *[other] { $count } jobs need your attention
}
outbox-title = DMP sending
outbox-help = A validated document leaves after a delay during which it can be held or cancelled. Enter or double click: open the document.
outbox-refresh = Refresh
outbox-none = No job in this list.
outbox-filter-pending = In progress
outbox-filter-failed = Failed
outbox-filter-done = Sent
outbox-filter-stopped = Cancelled or not sent
outbox-filter-all = All
outbox-col-patient = Patient
outbox-col-document = Document
outbox-col-action = Action
outbox-col-route = Route
outbox-col-state = State
outbox-col-due = Leaves
outbox-col-attempts = Attempts
outbox-col-reason = Reason
outbox-col-acks = Acks
outbox-col-commands = Actions
outbox-action-feed = Send
outbox-action-replace = Replacement
outbox-action-delete = Deletion
outbox-route-dmp-help = Sent to the DMP by Chevet itself
outbox-route-pfi-help = Sent through the establishment's integration platform (PFI)
outbox-state-waiting = Waiting
outbox-state-sending = Sending
outbox-state-sent = Sent
outbox-state-acknowledged = Acknowledged
outbox-state-failed = Failed
outbox-state-failed-final = Failed for good
outbox-state-held = Held
outbox-state-cancelled = Cancelled
outbox-state-not-sent = Not sent
outbox-in = in { $left }
outbox-cmd-hold = Hold
outbox-cmd-resume = Resume
outbox-cmd-cancel = Cancel
outbox-cmd-retry = Retry
outbox-ack-read = Read
outbox-ack-dmp-help = Receipt from the DMP
outbox-ack-mss-help = Receipt from the recipient's mail server (MSSanté)
outbox-ack-read-help = Read receipt from the recipient (MSSanté)
produce-sharing = Sharing
produce-send-dmp = Send to the DMP
produce-replacing = New version of « { $title } »: once produced it replaces the earlier one, in the DMP too.
produce-send-dmp-help = The document leaves for the patient's DMP after the establishment's delay; it can still be held or cancelled from « DMP sending ».
produce-invisible-patient = Invisible to the patient (until the disclosure consultation)
produce-invisible-legal = Invisible to legal representatives
produce-masked-ps = Masked to professionals
list-sharing-none = Not sent
list-sharing-waiting = Waiting · { $left }
list-sharing-held = Held
list-sharing-sending = Sending…
list-sharing-sent = Sent
list-sharing-acknowledged = DMP ack ✔
list-sharing-deleted = Deleted from the DMP
list-sharing-failed-retry = Failed (will retry)
list-sharing-failed-final = Failed: { $reason }
list-sharing-cancelled = Cancelled
list-sharing-not-sent = Not sent: opposition
list-sharing-actions-help = Click for the DMP sending actions
list-sharing-of = DMP sending of « { $title } »:
list-delete-from-dmp = Delete from the DMP
list-new-version = New version
list-new-version-help = Write a new version of this document: once produced it replaces this one, in the DMP too.
list-delete-from-dmp-confirm = Confirm deletion from the DMP
list-send-again = Send again
list-pick = Send to the DMP with the history: { $title }
list-pick-help = Tick to send it to the DMP with the history (Space)
list-send-history = Send the history to the DMP ({ $count })
list-send-history-help = Sends the ticked documents, produced in the establishment and never sent, to the DMP now
list-send-history-all = Tick all
list-send-history-none = Untick all
list-history-progress = History: { $sent }/{ $total } sent, { $failed ->
    [0] no failure
    [one] { $failed } failure
   *[other] { $failed } failures
}
list-history-cancel = Cancel sending

## Directory (issue 16)
menu-directory = Directory
menu-directory-help = Annuaire Santé: correspondents and their MSSanté mailboxes
directory-title = Directory
directory-search = Search for a correspondent
directory-search-hint = name, first name, RPPS, specialty, organisation, address…
directory-postal-code = Postal code
directory-city = City
directory-profession = Profession
directory-search-online = Also search the Annuaire Santé
directory-search-online-help = Asks the online Annuaire Santé: its answers confirm and complete the local directory.
directory-empty-query = Type a name, an RPPS, a specialty, an organisation or an address to find a correspondent.
directory-searching = searching…
directory-no-result = No correspondent matches this search.
directory-results = { $count ->
    [one] 1 correspondent
   *[other] { $count } correspondents
}
directory-results-first = The first { $count } correspondents: narrow the search to see the others.
directory-copy-mailbox = Copy the MSSanté address
directory-col-name = Name
directory-col-profession = Profession / specialty
directory-col-structure = Organisation
directory-col-address = Address
directory-col-mailbox = MSSanté mailbox
directory-col-source = Verification
directory-confirmed = Confirmed by the Annuaire Santé on { $date }
directory-confirmed-short = Confirmed { $date }
directory-status-entries = { $count ->
    [one] 1 correspondent
   *[other] { $shown } correspondents
}
directory-status-import = imported on { $date } ({ $source })
directory-status-never = never imported
directory-import-title = Import the Annuaire Santé extract
directory-import-help = The Extraction_Correspondance_MSSante file (zip or text) downloaded from annuaire.sante.fr replaces the local directory when the import ends; until then the directory stays usable.
directory-import-path = File
directory-import-start = Import
directory-import-starting = Opening the file…
directory-import-progress = { $entries } correspondents read
directory-import-done = Import finished: { $entries } correspondents ({ $skipped } lines skipped).
directory-imported = Directory updated.

## Sending by MSSanté (issue 16)
mss-send = Send by MSSanté
mss-send-help = Send this document by secure health messaging, through the establishment's platform
mss-queued = MSSanté send queued: each recipient's receipts show under "MSSanté sends".
mss-form-title = Send by MSSanté
mss-form-treating = Treating physician
mss-form-treating-none = No treating physician of this patient in the directory.
mss-form-search = Add a recipient
mss-form-add = Add
mss-form-chosen = { $count ->
    [0] No recipient
    [one] 1 recipient
   *[other] { $count } recipients
}
mss-form-remove = Remove this recipient
mss-form-patient = Patient's mailbox (Mon espace santé)
mss-form-patient-unqualified = identity not qualified: the patient's mailbox is not offered
mss-form-no-reply = The patient may not reply
mss-form-body = Message
mss-form-body-hint = Text of the message (optional: the platform's otherwise)
mss-form-send = Send
mss-form-send-none = Choose at least one recipient.
mss-receipts-title = { $count ->
    [one] MSSanté sends (1)
   *[other] MSSanté sends ({ $count })
}
mss-send-line = { $date } by { $by }
mss-send-sent-at = left on { $date }
mss-send-tally = { $delivered } delivered, { $refused } refused of { $total }
mss-send-no-reply = patient may not reply
mss-state-waiting = Queued
mss-state-sending = Sending
mss-state-sent = Sent
mss-state-failed = Failed
mss-state-cancelled = Cancelled
mss-receipt-waiting = Waiting
mss-receipt-delivered = Delivered
mss-receipt-read = Read
mss-receipt-refused = Refused: { $code } { $label }

error-directory-cancelled = Import cancelled: the local directory is unchanged.
error-directory-empty = This file holds no MSSanté mailbox: the local directory is unchanged. Check that it is the Extraction_Correspondance_MSSante extract.
error-directory-unreadable = The file could not be read: check its path and permissions, then try again. The local directory is unchanged.
error-directory-format = This file is not a readable Annuaire Santé extract (format or size refused): download the Extraction_Correspondance_MSSante extract again. The local directory is unchanged.
error-directory-import-server = The establishment's directory is updated by the server (chevet serve): there is nothing to import on this workstation.
error-directory-import-running = A directory import is already running: wait for it to end or cancel it.
error-annuaire-not-configured = The online Annuaire Santé is not configured on this workstation: only the local directory is searched.
error-annuaire-key = The Annuaire Santé refused the establishment's access key: tell the administrator. The results come from the local directory.
error-annuaire-unavailable = The Annuaire Santé does not answer: the results come from the local directory. Try again later.
error-annuaire-refused = The Annuaire Santé refused the search: narrow it (at least a name or an identifier). The results come from the local directory.
error-mss-no-recipient = Choose at least one recipient before sending.
error-mss-patient-ins = The patient's mailbox needs a qualified identity (INS): qualify the identity or remove this recipient.
error-mss-recipient-gone = A recipient is no longer in the directory (updated since): search for them again, then send again.

# issue 17 — identity vigilance workflow
identity-search-ins = Look up the INS
identity-search-ins-help = Asks the INSi teleservice with the folder's traits, then compares the identity found with the folder's.
identity-open-panel = Identity vigilance
identity-open-panel-help = Identity status, identity document checked, doubt, history.
identity-panel-title = Patient identity
identity-insi-heading = INSi teleservice
identity-insi-searching = Asking the INSi teleservice…
identity-insi-found = INS found: { $ins } ({ $kind }), in { $calls ->
        [one] 1 call
       *[other] { $calls } calls
    }
identity-insi-earlier = { $count ->
        [one] INSi knows 1 earlier INS for this person.
       *[other] INSi knows { $count } earlier INS for this person.
    }
identity-comparison-trait = Trait
identity-comparison-folder = Folder
identity-comparison-insi = INSi teleservice
identity-comparison-result = Comparison
identity-trait-birth-name = Birth name
identity-trait-first-names = Birth first names
identity-trait-sex = Sex
identity-trait-birth-date = Birth date
identity-trait-birthplace = Birthplace
identity-trait-empty = not given
identity-agreement-same = ✓ identical
identity-agreement-written = ≈ written differently: { $what }
identity-agreement-case = upper/lower case
identity-agreement-accents = accents
identity-agreement-separators = hyphens, apostrophes or spaces
identity-agreement-completed = + completed by INSi
identity-agreement-different = ✗ different
identity-insi-differs = A trait differs: the INS identity cannot be accepted. Check the identity with the patient and their identity document; correct the folder and search again, or refuse.
identity-insi-accept = Accept the INS identity
identity-insi-accept-help = Stores the INS and the traits INSi returned: identity retrieved (qualified if an identity document was already checked).
identity-insi-refuse = Refuse
identity-insi-refuse-help = Nothing is stored; the refusal is traced in the history.
identity-insi-not-found = INSi found no identity ({ $calls ->
        [one] 1 call
       *[other] { $calls } calls
    }): check the traits with the patient and their identity document, correct them and search again.
identity-insi-several = INSi found several identities, even with every first name and the birthplace ({ $calls ->
        [one] 1 call
       *[other] { $calls } calls
    }): complete the folder's first names and birthplace, then search again.
identity-insi-again = Search again
identity-document-heading = Identity document checked:
identity-document-help = The original document, shown by the patient. A high-trust document validates the identity (qualified if the INS was retrieved).
identity-document-other = Other document…
identity-document-other-help = These documents do not validate an identity; showing one is traced.
identity-document-cni = National identity card
identity-document-passeport = Passport
identity-document-titre-sejour = Residence permit
identity-document-livret-famille = Family record book or birth certificate (minor)
identity-document-permis-conduire = Driving licence
identity-document-carte-vitale = Carte Vitale
identity-document-autre = Other document
identity-doubt = Doubt on the identity…
identity-doubt-help = The identity goes back to provisional: the INS is no longer used in exchanges.
identity-doubt-traits-contradicted = Traits contradicted (patient, relative or document)
identity-doubt-document-doubtful = Doubtful identity document
identity-doubt-suspected-fraud = Suspected identity theft
identity-doubt-duplicate-or-collision = Possible duplicate or collision of folders
identity-doubt-other = Other reason
identity-deciding = Saving…
identity-now-provisoire = The identity is provisional: the INS is not used in exchanges.
identity-now-recuperee = Identity retrieved: check an identity document to qualify it.
identity-now-validee = Identity validated: look the INS up to qualify it.
identity-now-qualifiee = Identity qualified: the INS may be used in exchanges.
identity-ins-on-other-folder = This INS already belongs to another folder: nothing is stored, an alert waits in the identity-vigilance list (Inbox).
identity-document-low-trust = This document does not validate an identity: showing it is traced, the status is unchanged.
identity-ins-refused = INS identity refused: nothing was stored, the refusal is traced in the history.
identity-history = Identity history
identity-history-none = No change recorded.
identity-history-line = { $at } · { $event } · { $from } → { $to } · { $who }
identity-history-ins-accepted = INS identity accepted
identity-history-ins-refused = INS identity refused
identity-history-ins-not-found = INSi: no identity
identity-history-ins-several = INSi: several identities
identity-history-document-checked = Identity document checked
identity-history-doubt = Doubt on the identity
identity-history-gam = Updated by the admission system (GAM)
identity-why-document = Document: { $document }
identity-why-reason = Reason: { $reason }
identity-why-insi = INSi: code { $code }, { $calls ->
        [one] 1 call
       *[other] { $calls } calls
    }
identity-why-ins = INS: { $ins }
identity-detail-low-trust = low-trust document
identity-detail-traits = traits changed: { $traits }
identity-detail-ins = INS
identity-detail-status = status sent: { $status }
error-identity-traits-changed = The folder's identity changed since the INSi search: search again before deciding.
error-identity-traits-differ = A trait of the INS identity differs from the folder's: it cannot be accepted. Check the identity, correct the folder and search again.
error-identity-transition = This status change is not possible from the current status: reload the folder.
alert-traits-changed-by-gam = The GAM changed a strict trait: identity back to provisional
alert-status-lowered-by-gam = The GAM sent a lower status: INS not usable
inbox-alert-verify = Verify the identity
inbox-alert-verify-help = Opens the folder on its identity: INSi, identity document, doubt, history.

# issue 17 — two-factor authentication, password policy, account administration
dmp-strong-auth-required = The DMP requires strong authentication: sign in with Pro Santé Connect, your CPS card, or turn on two-factor authentication
login-second-factor-required = Enter the code from your authenticator app.
login-password-change-required = An administrator chose this password: choose your own to continue.
error-second-factor-invalid = Wrong or already used code. Enter the code the app shows now (each code works once).
error-second-factor-unreadable = This account's two-factor authentication cannot be read: ask an administrator to reset it.
error-second-factor-no-enrolment = The set-up expired: start it again from "Account security".
error-password-policy-length = The password must have at least 12 characters.
error-password-policy-length-admin = An administrator's password must have at least 16 characters.
error-password-policy-kinds = Password too simple: mix at least three kinds of characters (lower case, upper case, digits, others) and vary them, or choose a passphrase of at least 20 characters.
error-password-policy-login = The password must not contain the login.
error-password-policy-reused = This password is one of the last 5 used: choose a new one.
error-accounts-last-admin = Not possible: at least one administrator must stay active, and nobody disables their own account.
error-accounts-unknown = This account no longer exists: refresh the list.
error-accounts-empty-field = Fill in the login and the display name.
password-policy-help = At least 12 characters (16 for an administrator), three kinds among lower case, upper case, digits and others — or a passphrase of 20 characters or more; neither the login nor one of the last 5 passwords.
password-current = Current password
password-new = New password
password-new-confirm = Confirm the new password
password-change-submit = Change the password
login-step-back = Back to the login
login-second-factor-title = Two-factor authentication
login-second-factor-help = Open your authenticator app and enter the 6-digit code it shows for Chevet.
login-recovery-help = Enter one of your recovery codes (each works once), then set up two-factor authentication again with your new phone.
login-second-factor-code = Code from the app
login-recovery-code = Recovery code
login-second-factor-submit = Confirm
login-use-recovery = I don't have my phone: use a recovery code
login-use-totp = Use the code from the app
login-change-password-title = Choose your password
login-change-password-help = The current password is temporary. Choose one only you know.
security-title = Account security
security-second-factor = Two-factor authentication
security-second-factor-off = Off: without it, a session opened with a password does not reach the DMP.
security-second-factor-on = On: your session may reach the DMP.
security-enrol-start = Turn on two-factor authentication
security-enrol-again = Change authenticator app
security-enrol-scan = Scan this QR code with your authenticator app (or type the key below).
security-enrol-qr = Two-factor authentication QR code
security-enrol-secret = Secret key: { $secret }
security-enrol-confirm-help = To confirm, enter your password and the code the app shows now.
security-enrol-password = Your password
security-enrol-code = Code shown by the app
security-enrol-confirm = Confirm
security-enrol-cancel = Cancel
security-enrolled = Two-factor authentication is on.
security-recovery-codes-help = Your recovery codes: write them down and keep them safe. Each replaces the app's code once. They will not be shown again.
security-recovery-codes-kept = I have written down my recovery codes
security-password = Password
security-password-changed = Password changed.
menu-accounts = Accounts
menu-accounts-help = User accounts: create, edit, disable, unlock, reset, export.
menu-admin = Administration
accounts-title = User accounts
accounts-search = Search an account
accounts-role-any = Every role
accounts-filter-all = All accounts
accounts-filter-active = Active
accounts-filter-disabled = Disabled
accounts-filter-locked = Locked
accounts-filter-no-second-factor = Without two-factor authentication
accounts-refresh = Refresh
accounts-export = Export the list (CSV)
accounts-exported = Accounts list exported: { $path }
accounts-temporary-password = Temporary password of { $login }: { $password }
accounts-temporary-password-help = Hand it to the user in person: they will change it at their first sign-in. It will not be shown again.
accounts-temporary-password-hide = Hide the temporary password
accounts-create-title = New account
accounts-new-login = New login
accounts-new-name = Display name
accounts-create = Create the account
accounts-col-login = Login
accounts-col-name = Name
accounts-col-role = Role
accounts-col-state = State
accounts-col-second-factor = Two-factor authentication
accounts-col-last-login = Last sign-in
accounts-yes = yes
accounts-no = no
accounts-never = never
accounts-state-active = active
accounts-state-disabled = disabled
accounts-state-locked = locked
accounts-state-must-change = temporary password
accounts-selected = Account { $login }
accounts-edit-name = Account's display name
accounts-save-name = Save the name
accounts-edit-role = Account's role
accounts-save-role = Change the role
accounts-disable = Disable
accounts-enable = Enable
accounts-unlock = Unlock
accounts-reset-password = Reset the password
accounts-reset-second-factor = Reset two-factor authentication
accounts-confirm-disable = Disable this account? It will no longer sign in, by any means.
accounts-confirm-reset-password = Give this account a temporary password? Its two-factor authentication will be removed: the user sets it up again.
accounts-confirm-reset-second-factor = Remove this account's two-factor authentication? The user will set it up again to reach the DMP.
accounts-confirm = Confirm
accounts-cancel = Cancel

# issue 17 — CPS card trust (IGC-Santé chain, dates, revocation)
error-card-untrusted = This card was not issued by a trusted authority (IGC-Santé): sign-in refused. Contact the IT department; if this really is your CPS card, report it to the ANS (which manages CPS cards).
error-card-expired = This CPS card's certificate has expired: sign-in refused. Use your new card or order one from the ANS; the IT department can help meanwhile.
error-card-not-yet-valid = This CPS card's certificate is not valid yet: sign-in refused. Check this workstation's date and time, otherwise contact the IT department.
error-card-authority-not-valid = This card's certification authority is not valid at this date: sign-in refused. Contact the IT department (the workstation's IGC-Santé certificates need updating, or its date is wrong).
error-card-revoked = This CPS card has been revoked (declared lost, stolen or replaced): sign-in refused. Use your new card or contact the ANS; the IT department can help.
error-card-crl-unavailable = The CPS card revocation list could not be checked (server unreachable or list out of date): card sign-in refused. Try again in a few minutes or sign in another way (Pro Santé Connect); if it lasts, contact the IT department.
error-card-trust-not-configured = No IGC-Santé trust authority is configured on this workstation: card sign-in is impossible. Contact the IT department (the [card] section of the configuration).

# issue 17 — INSi client and simulator
error-insi-fault = The INSi teleservice refused the request: “{ $reason }” ({ $codes }). Check the identity traits entered; if this persists, tell the IT department.
error-insi-access = The INSi teleservice refuses the establishment's certificate: “{ $reason }” ({ $codes }). An INSI-AUTO or INSI-MANU certificate is required: tell the IT department.
error-insi-software = The INSi teleservice does not recognise this software: “{ $reason }” ({ $codes }). The authorisation number (IDAM) in the configuration must be corrected: tell the IT department.
error-insi-busy = The INSi teleservice is temporarily unavailable: “{ $reason }” ({ $codes }). Try again in a few minutes.
error-insi-timeout = The INSi teleservice did not answer in time. Try again in a moment; the identity stays unchanged meanwhile.
error-insi-unavailable = The INSi teleservice cannot be reached or is unavailable. Check the network connection and try again; if this lasts, tell the IT department (the establishment's INSi certificate).
error-insi-tls = The secure connection to the INSi teleservice failed (certificate refused). Tell the IT department: the establishment's INSI-AUTO or INSI-MANU certificate or its chain of trust must be checked.
error-insi-answer = The INSi teleservice's answer was unreadable or unexpected: nothing was recorded. Try again; if this persists, tell the IT department.
error-insi-invalid-ins = The INSi teleservice returned an INS whose key or OID is invalid: it was not recorded. Tell the IT department.
error-insi-config = The INSi teleservice is misconfigured on this workstation (address, certificate or authorisation number). Tell the IT department.
error-insi-incomplete = The identity traits are not enough to query INSi (birth name, male or female sex, birth date, birthplace as a 5-character INSEE code). Complete the identity, then search again.
error-insi-not-configured = The INSi teleservice is not configured on this workstation: the INS cannot be looked up. Tell the IT department.

# issue 18 — portability
menu-portability = Export / import
menu-portability-help = Export the folders (a documented archive: CDA files and an index) or import them into an empty Chevet.
portability-title = Data export and import
portability-intro = The archive holds identities, stays, the DMP information and identity-vigilance histories, sharing states and each document as it is (CDA file). It holds neither the accounts nor the audit trail. Keep it as you would a patient record: it is not encrypted.
portability-export-heading = Export
portability-export-all = Export the whole establishment
portability-export-all-help = Writes an archive of every folder in the "exports" folder of Chevet's data.
portability-export-folder = Export the folder
portability-export-folder-help = Writes an archive of this folder (identity, stays, CDA documents, consent, sharing) in the "exports" folder; the path shows in Administration › Export / import.
portability-import-heading = Import
portability-import-help = Only into an empty Chevet (no patient): the archive is checked whole (SHA-256 sums, sizes) and imported at once, or not at all.
portability-import-path = Archive path
portability-import = Import the archive
portability-exporting = Exporting…
portability-importing = Importing…
portability-progress = { $done } / { $total } documents
portability-exported = Archive written: { $patients } patient(s), { $documents } document(s), { $size } MB.
portability-exported-path = File: { $path }
portability-imported = Archive imported: { $patients } patient(s), { $documents } document(s) (written by Chevet { $version }).
portability-exported-notice = Export done: the archive's path shows in Administration › Export / import.
portability-imported-notice = Import done: the archive's folders are in Chevet.
portability-error-io = The file could not be read or written (disk full, permissions, path not found?). Nothing was imported; check the path and the disk space, then try again.
portability-error-patient = No patient has this IPP. Check the IPP, then try again.
portability-error-not-empty = This Chevet already holds patients: an archive is only imported into an empty Chevet. Nothing was imported; use a new data directory.
portability-error-newer = This archive was written by a newer version of Chevet (a newer format). Nothing was imported; install the latest version of Chevet.
portability-error-not-export = This file is not a Chevet export archive (index.json missing or unreadable). Nothing was imported.
portability-error-checksum = A document of the archive does not match its SHA-256 fingerprint or its size (damaged or modified archive). Nothing was imported; export again.
portability-error-record = The archive's index holds an invalid value (identity, stay or document). Nothing was imported; export again.
portability-error-hostile = Archive refused: it is not safe (paths leaving the archive, links, encryption, abnormal size or compression) or it is damaged. Nothing was imported.

# issue 18 — settings-typed
settings-typed-installation = Installation settings
settings-typed-since-date-label = Count start date (YYYY-MM-DD)
settings-typed-save = Save settings
settings-typed-cancel = Discard changes
settings-typed-saved = Settings saved.
settings-typed-imported = Settings imported and applied.
settings-typed-save-failed = The save was refused. If another workstation changed the settings meanwhile, reload them and make your changes again.
settings-typed-reload = Reload settings
settings-typed-transfer = Export / import settings
settings-typed-export = Export settings
settings-typed-exported = Settings exported: { $path }
settings-typed-import-path = Settings file to import
settings-typed-import = Import settings
settings-typed-refused = Refused: nothing was changed. Correct the values reported above, then try again.
settings-typed-issue-kinds-empty = No kind of visit is ticked: new DMP documents will never be counted without a click. Tick at least one kind if the count should run when a folder opens.
settings-typed-issue-kinds-duplicate = A kind of visit appears twice in “{ $field }”. Keep each kind once.
settings-typed-issue-since-format = The count start date is not a valid date. Type it as YYYY-MM-DD, for example 2026-01-05.
settings-typed-issue-since-future = The count start date is in the future: no document would be counted as new. Choose today or a past date.
settings-typed-issue-since-too-old = The count start date is before the DMP existed (August 2004): probably a typing slip. Choose a more recent date.
settings-typed-issue-legacy = The former setting “{ $field }” is not known to this version: it is kept as it was, without effect. Tell the IT department if it should be used.
settings-typed-error-stale = The settings were changed on another workstation since you opened them: your save is refused so as not to overwrite those changes. Reload the settings, then make your changes again.
settings-typed-error-invalid = Some settings values are not valid: nothing was changed. Correct the values reported, then try again.
settings-typed-error-newer = This settings file was written by a newer version of Chevet: it was not imported. Update Chevet on this workstation, or export the settings from the same version.
settings-typed-error-format = This file is not a readable Chevet settings file (unknown value or malformed text): nothing was imported. Check the file, or export it again from Chevet.
settings-typed-error-file = The settings file could not be read or written. Check the path and the folder's permissions, then try again.
settings-typed-error-stored = The stored settings are unreadable: the defaults are used. Tell the IT department.

# issue 18 — indicators screen
indicators-menu = Indicators
indicators-menu-help = The usage indicators (Ségur) per site, document type and month: charts and CSV export.
indicators-title = Usage indicators
indicators-sites = Sites:
indicators-types = Document types:
indicators-from = From
indicators-to = to
indicators-all = All
indicators-refresh = Refresh
indicators-export-csv = Export as CSV
indicators-computing = Computing the indicators…
indicators-summary = { $rows } rows (site × type × month), computed in { $ms } ms.
indicators-exported = Indicators exported: { $path }
indicators-chart-saved = Image saved: { $path }
indicators-no-data = No indicator for this period. Choose another period or other sites, then click “Refresh”.
indicators-no-rows = No row for these filters.
indicators-chart-bars = Per month and type:
indicators-chart-trend = Monthly trend
indicators-choose = Indicators shown
indicators-export-image-bars = Export the image (per type)
indicators-export-image-trend = Export the image (trend)
indicators-type-none = No document type
indicators-col-site = Site (FINESS géographique)
indicators-col-type = Document type
indicators-col-month = Month
indicators-chart-image-invalid = The chart's image could not be made (incomplete screenshot). Try again; if it happens again, tell the IT department.
indicators-chart-image-write-failed = The chart's image could not be written in the exports folder. Check the disk space and the folder's rights, then try again.
indicators-chart-image-no-screenshot = The window's screenshot did not arrive: the image was not saved. Keep the window visible and try again.
indicators-month-1 = Jan
indicators-month-2 = Feb
indicators-month-3 = Mar
indicators-month-4 = Apr
indicators-month-5 = May
indicators-month-6 = Jun
indicators-month-7 = Jul
indicators-month-8 = Aug
indicators-month-9 = Sep
indicators-month-10 = Oct
indicators-month-11 = Nov
indicators-month-12 = Dec
indicators-totals = Totals over the period:
indicators-bar-kind = Indicator of the bars

# issue 18 — indicators: computation, CSV export
indicators-kind-documents-produits = Documents produced
indicators-kind-dmp-alimentes = Documents fed to the DMP
indicators-kind-dmp-acquittes = DMP feedings acknowledged
indicators-kind-mss-envoyes = Documents sent by MSSanté
indicators-kind-mss-distribues = MSSanté sends delivered
indicators-kind-mss-lus = MSSanté sends read
indicators-kind-recus = Documents received
indicators-kind-recus-integres-auto = Received, filed automatically
indicators-kind-recus-rapproches-main = Received, reconciled by hand
indicators-kind-dmp-consultations = DMP consultations
indicators-kind-dmp-bris-de-glace = DMP consultations in break-glass
indicators-kind-changements-visibilite = Visibility changes
indicators-csv-site = Geographic FINESS
indicators-csv-type-code = Document type (code)
indicators-csv-type-label = Document type
indicators-csv-month = Month
indicators-csv-total = Total
indicators-error-degraded = The indicators cannot be computed while the establishment's shared record is unreachable: this workstation only knows the folders it opened, the figures would be partial. Try again once the connection is back.
indicators-error-period = The chosen period ends before it starts. Choose an end month after the start month.
indicators-error-write = The indicators file could not be written in the exports folder. Check the disk space and the folder's permissions, then try again.

# issue 18 — backup and restore
menu-backups = Backups
menu-backups-help = Back up this workstation's database, the backup passphrase, restoring
backup-title = Backups
backup-establishment = In establishment mode the shared record is backed up on the PostgreSQL server (see the deployment guide); this workstation's encrypted cache is not backed up.
backup-no-escrow = No backup passphrase is set: no backup could be restored on another workstation. Set it below.
backup-escrow-stale = The backup passphrase protects an old key of the database: set it again before backing up.
backup-created = Backup { $name } written and verified.
backup-passphrase-set = Backup passphrase saved. Write it down and keep it somewhere safe: it is stored nowhere.
backup-running = Backup in progress: Chevet remains usable.
backup-cancel = Cancel the backup
backup-now = Back up now
backup-where = Backups are written to { $dir }: copy these folders to the establishment's backup system.
backup-list = This workstation's backups
backup-none = No backup yet.
backup-col-name = Backup
backup-col-date = Date
backup-col-age = Age
backup-col-size = Size
backup-col-verified = Integrity
backup-age = { $days ->
    [0] today
    [1] yesterday
   *[other] { $days } days ago
}
backup-size-mib = { $mib } MiB
backup-verified = verified
backup-not-verified = damaged: do not use
backup-unchecked = not checked
backup-passphrase-title = Backup passphrase
backup-passphrase-set-at = Set on { $at } (UTC).
backup-passphrase-none = Not set yet.
backup-passphrase-help = It encrypts the database key copied into each backup; it is asked for to restore. At least 16 characters; below 20, three kinds among lower case, upper case, digits and others. It is stored nowhere: write it down and keep it somewhere safe.
backup-passphrase = Backup passphrase
backup-passphrase-confirm = Confirm the passphrase
backup-passphrase-strong = Strong enough passphrase.
backup-passphrase-confirm-needed = Type it a second time to confirm.
backup-passphrase-save = Save the passphrase
backup-restore-title = Restore on another workstation
backup-restore-help = Copy the backup's folder to the workstation, then run the command below in a terminal and type the backup passphrase. The new data directory must be empty; the database gets a new key there, kept in that workstation's keyring.
backup-restore-command = The restore command (run it on the target workstation)
backup-restore-new-dir = NEW_DIRECTORY
backup-error-busy = The database is busy: try the backup again in a moment.
backup-error-database = Copying the database failed. Try again; if it persists, contact IT support.
backup-error-io = A file could not be written or read: check the disk space and the backup folder's permissions, then try again.
backup-error-no-escrow = No backup passphrase is set: an administrator must set it before any backup.
backup-error-escrow-stale = The backup passphrase protects an old key of the database: set it again.
backup-error-passphrase-short = Passphrase too short: at least 16 characters.
backup-error-passphrase-simple = Passphrase too simple: mix lower case, upper case, digits and other characters, or make it longer (20 characters or more).
backup-error-passphrase-mismatch = The two passphrases differ: type them again.
backup-error-wrong-passphrase = Wrong backup passphrase: it is not the one that protected this backup.
backup-error-cancelled = Backup cancelled: nothing was written.
backup-error-corrupt = The database copy no longer matches its SHA-256 digest: this backup is damaged, use another one.
backup-error-manifest = This backup's manifest.json is unreadable: it is not a Chevet backup or it is damaged.
backup-error-too-new = This backup comes from a newer version of Chevet: install that version before restoring it.
backup-error-target-not-empty = The target data directory is not empty: give an empty or new directory.
backup-error-establishment = In establishment mode the shared record is backed up on the PostgreSQL server, not from a workstation.

# issue 18 — backup and restore (automatic backups)
backup-auto-help = While the passphrase is set, Chevet also backs up by itself every day (the 7 newest automatic backups are kept).
