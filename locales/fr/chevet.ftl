# Chevet — textes de l'interface (français, langue par défaut).

## Application
app-name = Chevet
app-tagline = Dossier patient, DMP et messagerie de santé, au chevet du patient.
app-window-title = Chevet
app-window-title-sandbox = Chevet — SANDBOX (données fictives)

## Menus
menu-patients = Patients
menu-folder = Dossier
menu-logout = Se déconnecter
menu-about = À propos
menu-settings = Paramètres

## Commun
common-cancel = Annuler
common-dismiss = Fermer
common-close = Fermer
task-running = Traitement en cours
task-done = Traitement terminé.
task-cancelled = Traitement annulé : ce qui était fait est conservé.

## Connexion
login-title = Connexion
login-store-opening = Ouverture de la base chiffrée…
login-store-failed-help = La base de données n'a pas pu être ouverte. Aucune donnée n'a été modifiée. Contactez le service informatique et indiquez l'heure de l'incident.
login-identifier = Identifiant
login-password = Mot de passe
login-submit = Se connecter
login-checking = Vérification…
login-first-admin-title = Premier démarrage
login-first-admin-help = Aucun compte n'existe encore. Créez le compte administrateur qui créera ensuite les comptes des professionnels.
login-display-name = Nom affiché
login-password-confirm = Confirmer le mot de passe
login-password-mismatch = Les deux mots de passe ne sont pas identiques.
login-first-admin-submit = Créer le compte administrateur

## Bac à sable
sandbox-marker = SANDBOX — données fictives
sandbox-marker-help = Mode bac à sable : services simulés sur ce poste et patients fictifs. Aucune donnée réelle.
sandbox-accounts-title = Comptes de démonstration
sandbox-accounts-help = Ces comptes n'existent que dans le bac à sable.
sandbox-accounts-role = Rôle

## Statut de l'identité (RNIV)
identity-provisoire = Identité provisoire
identity-recuperee = Identité récupérée
identity-validee = Identité validée
identity-qualifiee = Identité qualifiée
identity-provisoire-help = Identité déclarée : ni INS vérifié par le téléservice INSi, ni pièce d'identité contrôlée.
identity-recuperee-help = INS obtenu par le téléservice INSi, pièce d'identité non contrôlée.
identity-validee-help = Pièce d'identité à haut niveau de confiance contrôlée, INS non récupéré.
identity-qualifiee-help = INS vérifié et identité contrôlée : l'INS peut être utilisé dans les échanges.

## Sexe
sex-male = Masculin
sex-female = Féminin
sex-unknown = Indéterminé

## Venues
episode-hospitalisation = Hospitalisation
episode-consultation = Consultation externe
episode-urgence = Urgences

## Rôles
role-medecin = Médecin
role-interne = Interne
role-infirmier = Infirmier·ère
role-secretaire = Secrétariat médical
role-admin = Administrateur

## Provenance des documents
provenance-local = Produit dans l'établissement
provenance-dmp = Intégré depuis le DMP
provenance-dmp-not-integrated = Dans le DMP, pas encore intégré au dossier
doc-not-filed = pas encore classé dans un dossier
provenance-mss = Reçu par MSSanté
provenance-xdm = Importé d'une archive XDM
provenance-short-local = LOC
provenance-short-dmp = DMP
provenance-short-mss = MSS
provenance-short-xdm = XDM
share-dmp = DMP
share-mss = MSS
share-mss-pending = MSSanté en cours
share-mss-sent = MSSanté envoyé
share-mss-failed = MSSanté en échec
share-mss-withdrawn = MSSanté retiré

## Liste des patients
patients-title = Patients
patients-search = Rechercher
patients-search-hint = Nom, prénom, INS, IPP ou date de naissance (jj/mm/aaaa)
patients-count = { $count ->
    [one] { $count } patient
   *[other] { $count } patients
}
patients-none = Aucun patient ne correspond à la recherche.
patients-age = { $years } ans
patients-col-name = Nom
patients-col-birth = Naissance
patients-col-sex = Sexe
patients-col-ipp = IPP
patients-col-ins = INS
patients-col-identity = Identité

## Dossier patient
folder-born = Né(e) le { $date } ({ $years } ans)
folder-birth-first-names = Prénoms de naissance
folder-birthplace = Lieu de naissance (INSEE)
folder-ipp = IPP
folder-ins = INS
folder-no-ins = aucun
folder-ins-nir = NIR
folder-ins-nia = NIA
folder-ins-test = NIR de test
folder-ins-demo = NIR de démonstration
folder-ins-not-usable = INS non utilisable dans les échanges tant que l'identité n'est pas qualifiée
folder-episodes = Venues
folder-no-episodes = Aucune venue enregistrée.
folder-episode-open = En cours
folder-episode-ongoing = en cours
folder-episode-finess = FINESS { $finess }
folder-documents = Documents
folder-documents-count = { $count ->
    [one] { $count } document
   *[other] { $count } documents
}
folder-no-documents = Aucun document dans ce dossier.
folder-documents-forbidden = Votre rôle ne donne pas accès au contenu des documents.
folder-col-provenance = Prov.
folder-col-sharing = Partage
folder-col-type = Type
folder-col-title = Titre
folder-col-date = Date de l'acte
folder-col-author = Auteur
folder-col-organisation = Établissement
folder-history = Historique : { $count } versions (touche H)
folder-col-version = Vers.

## Document
doc-back = ← Dossier
doc-newer-exists = Ce n'est pas la dernière version : la version { $version } du { $date } la remplace.
doc-open-newer = Ouvrir la dernière version
doc-version = v{ $version }
doc-confidentiality-n = Confidentialité normale
doc-confidentiality-r = Confidentialité restreinte
doc-confidentiality-v = Très restreint
doc-pdf-undecodable = Le PDF contenu dans ce document est illisible (encodage base64 endommagé). Demandez au producteur de le renvoyer.

## À propos
about-version = Version
about-mode-sandbox = Mode bac à sable : services simulés, données fictives.
about-mode-production = Mode production.
about-data-dir = Dossier des données
about-licence = Licence MIT ou Apache-2.0.

## Paramètres
settings-title = Paramètres
settings-display = Affichage
settings-language = Langue
settings-dark = Thème sombre
settings-storage = Stockage
settings-log-dir = Journaux
settings-key-keyring = Clé de la base chiffrée conservée dans le trousseau du système ({ $store }).
settings-key-file = Clé de la base chiffrée conservée dans le fichier { $path } (accès réservé au compte système).
settings-record-shared = Dossier partagé de l'établissement : { $server } (mode établissement).
settings-audit = Traçabilité
settings-audit-verify = Vérifier la chaîne de traces
settings-audit-intact = { $rows } traces vérifiées : chaîne intacte.
settings-audit-broken = Chaîne de traces rompue après { $rows } traces : une trace a été modifiée ou supprimée. Alertez le responsable de la sécurité.
settings-sandbox = Bac à sable
settings-sandbox-generate-help = Ajoute des patients fictifs (identités et venues) pour les essais de charge.
settings-sandbox-count = Nombre de patients
settings-sandbox-generate = Générer

## Stockage
store-key-file-warning = Aucun trousseau système durable n'est disponible : la clé de la base chiffrée est conservée dans un fichier réservé à votre compte. Voir Paramètres → Stockage.

## Erreurs
error-store-wrong-key = La clé ne correspond pas à la base de données. Aucune donnée n'a été modifiée ; contactez le service informatique.
error-store-key-missing = La base de données existe mais sa clé est introuvable (trousseau vidé ?). Aucune donnée n'a été modifiée ; contactez le service informatique.
error-store-key-permissions = Le fichier de clé est lisible par d'autres comptes : Chevet refuse de l'utiliser. Restreignez ses droits (propriétaire seul) puis relancez.
error-store-no-keyring = Aucun trousseau système n'est accessible alors que la configuration l'exige.
error-store-too-new = Cette base a été écrite par une version plus récente de Chevet. Installez la dernière version.
error-store-busy = La base de données est occupée. Réessayez dans un instant.
error-store-too-old = La base partagée n'a pas encore été mise à jour pour cette version de Chevet. Demandez à l'informatique de la mettre à jour (chevet serve).
error-store-unreachable = La base partagée est injoignable. Vérifiez le réseau, réessayez, puis appelez l'informatique si cela dure.
error-store-denied = La base partagée a refusé cette opération à ce poste.
error-store-generic = Erreur de la base de données locale. L'opération n'a pas été faite ; réessayez, puis contactez le service informatique si cela persiste.
error-store-not-open = La base de données n'est pas encore ouverte.
error-not-found = Élément introuvable : il a peut-être été supprimé.
error-duplicate = Cet élément existe déjà.
error-login-bad-credentials = Identifiant ou mot de passe incorrect.
error-login-locked = Compte bloqué pour quelques minutes après plusieurs échecs. Réessayez plus tard ou contactez le service informatique.
error-login-disabled = Ce compte est désactivé.
error-password-too-short = Le mot de passe doit compter au moins 8 caractères.
error-login-taken = Cet identifiant est déjà utilisé.
error-no-session = Votre session est terminée : reconnectez-vous.
error-forbidden = Votre rôle ne permet pas cette action.
error-internal = Erreur interne : l'opération n'a pas été faite. Relancez Chevet si cela persiste.
error-sandbox-seed = Les données de démonstration n'ont pas pu être créées.
error-busy = Chevet est très sollicité : l'action n'a pas été prise en compte, réessayez.

## Visionneuse PDF
pdf-previous = ◀ Page précédente
pdf-next = Page suivante ▶
pdf-page-of = Page { $page } sur { $count }
pdf-zoom-out = −
pdf-zoom-in = +
pdf-fit-width = Ajuster à la largeur
pdf-page-alt = Page { $page } du PDF
pdf-engine-missing = Le moteur PDF (PDFium) n'est pas installé sur ce poste : le PDF ne peut pas être affiché. Les autres informations du document restent lisibles. Contactez le service informatique.
pdf-damaged = Le PDF de ce document est endommagé et ne peut pas être affiché.
pdf-encrypted = Le PDF de ce document est protégé par un mot de passe.
pdf-render-failed = Cette page du PDF n'a pas pu être affichée.

## Documents CDA illisibles
error-cda-too-large = Ce document dépasse la taille maximale acceptée : il n'a pas été ouvert. Demandez à l'émetteur une version sans pièces jointes volumineuses.
error-cda-doctype = Ce document contient une déclaration DOCTYPE, interdite dans un document CDA (risque d'entités externes) : il a été refusé. Signalez-le à l'émetteur.
error-cda-encoding = L'encodage de caractères de ce document n'est pas pris en charge : demandez à l'émetteur un document en UTF-8.
error-cda-malformed = Ce document n'est pas un XML bien formé : le fichier est probablement corrompu. Demandez à l'émetteur de le renvoyer.
error-cda-truncated = Ce document s'arrête avant sa fin : le fichier est tronqué. Demandez à l'émetteur de le renvoyer.
error-cda-entity = Ce document utilise une entité XML inconnue : il ne peut pas être lu. Signalez-le à l'émetteur.
error-cda-too-deep = Ce document est imbriqué trop profondément : il a été refusé par sécurité. Signalez-le à l'émetteur.
error-cda-not-cda = Ce fichier n'est pas un document CDA R2.
error-cda-missing-id = Ce document CDA n'a pas d'identifiant : il ne peut pas être classé. Demandez à l'émetteur un document conforme.
error-cda-content = Un contenu joint à ce document est endommagé ou n'est pas intégré au document.

## Rédaction de documents
produce-start = ✎ Rédiger un document
produce-title = Rédiger un document
produce-kind = Type de document
produce-kind-ldl = Lettre de liaison de sortie
produce-kind-cro = Compte rendu opératoire
produce-kind-ordonnance = Ordonnance de sortie
produce-kind-crc = Compte rendu de consultation
produce-episode = Venue
produce-no-episode = Aucune venue
produce-doc-title = Titre
produce-text-hint = Texte libre. Une ligne vide sépare les paragraphes ; « - » en début de ligne crée une liste.
produce-med-name = Médicament
produce-med-posology = Posologie
produce-med-duration = Durée
produce-med-instructions = Consignes
produce-med-add = + Ajouter une ligne
produce-med-remove = Retirer
produce-submit = Produire le document (CDA + PDF)
produce-pending = Production du document…
produce-done = Document produit et classé dans le dossier.
produce-ins-included = Identité qualifiée : l'INS et son code « INS à scanner » figureront dans le document.
produce-ins-not-included = Identité non qualifiée : l'INS ne figurera pas dans le document (seul l'IPP l'identifie).
error-produce-empty = Le document est vide : remplissez au moins une section.
error-produce-missing = Un champ obligatoire du document est vide (titre, identité du professionnel ou de l'établissement) : complétez-le.
error-produce-invalid = Une donnée du document est invalide (RPPS, FINESS ou OID de l'établissement) : vérifiez votre compte et la configuration de l'établissement.
error-produce-no-professional = Votre compte n'a pas d'identité de professionnel de santé (RPPS, spécialité) : il ne peut pas signer de document. Contactez l'administrateur.
error-outbox-document = Ce document ne peut pas être préparé pour le DMP (identifiant ou contenu refusé).
error-outbox-not-configured = L'alimentation du DMP n'est pas configurée sur ce poste.
error-produce-no-establishment = L'établissement n'est pas configuré (nom, FINESS, OID des documents) : contactez le service informatique.
doc-open-stylesheet = Ouvrir avec la feuille de style
doc-open-stylesheet-help = Affiche le document dans le navigateur avec sa propre feuille de style ou celle de l'ANS (copie temporaire effacée après 5 minutes).
error-xslt-missing = Le programme xsltproc n'est pas installé sur ce poste : la feuille de style ne peut pas être appliquée. Contactez le service informatique (paquet « xsltproc »).
error-xslt-failed = La feuille de style n'a pas pu être appliquée à ce document. La vue de Chevet reste disponible.
error-xslt-timeout = L'application de la feuille de style a pris trop de temps et a été arrêtée. Réessayez.

## Vue structurée
structured-image-unavailable = Image non affichée ({"{"}type{"}"})
structured-attached-document = Document joint ({"{"}type{"}"}) : ouvrez-le depuis les pièces jointes
structured-missing-media = Contenu référencé absent du document
structured-notes = Notes
structured-link-not-opened = Adresse non web : le lien n'est pas ouvert
structured-empty = Ce document n'a pas de contenu structuré à afficher.
error-narrative-doctype = Cette section contient une déclaration interdite : elle n'est pas affichée.
error-narrative-malformed = Cette section est mal formée : elle n'est pas affichée. Le PDF du document, s'il existe, reste lisible.
error-narrative-too-large = Cette section est trop volumineuse ou trop imbriquée pour être affichée.
error-image-unreadable = Cette image est illisible ou trop grande pour être affichée.
doc-view-pdf = PDF
doc-view-content = Document
doc-view-structured = Vue structurée
doc-view-key = Touche V : basculer entre le PDF et la vue structurée
doc-attachments = Pièces jointes :
doc-attachment = { $title } ({ $type }, { $kib } Kio)
doc-no-content = Ce document n'a pas de contenu affichable.
doc-unsupported = Ce contenu ({ $type }) ne peut pas être affiché dans Chevet.
doc-image-alt = Image du document

## Échanges avec le DMP
error-dmp-connect = Le DMP est injoignable : la connexion n'a pas pu être établie. Vérifiez que le réseau de l'établissement fonctionne, puis réessayez ; si cela persiste, prévenez le service informatique.
error-dmp-tls = Le DMP a refusé la connexion sécurisée (certificat de l'établissement, carte CPS ou configuration). Réessayer ne changera rien : prévenez le service informatique.
error-dmp-certificate-server = Le certificat présenté par le serveur du DMP n'est pas reconnu : par sécurité, Chevet ne lui a rien envoyé. Prévenez le service informatique.
error-dmp-certificate-client = Le DMP a refusé le certificat de connexion (carte CPS ou certificat de l'établissement) : il est peut-être expiré ou révoqué. Vérifiez votre carte ; sinon, prévenez le service informatique.
error-dmp-timeout = Le DMP n'a pas répondu à temps. Réessayez dans quelques instants.
error-dmp-connection-reset = La connexion avec le DMP a été interrompue. Réessayez dans quelques instants.
error-dmp-http-server = Le service DMP rencontre un problème technique. Réessayez dans quelques minutes.
error-dmp-http-client = Le DMP a refusé la demande envoyée par Chevet. Réessayer ne changera rien : prévenez le service informatique en indiquant l'heure de l'erreur.
error-dmp-fault-receiver = Le DMP n'a pas pu traiter la demande à cause d'un problème de son côté. Réessayez dans quelques minutes.
error-dmp-fault-sender = Le DMP a jugé la demande incorrecte et l'a refusée. Réessayer ne changera rien : prévenez le service informatique en indiquant l'heure de l'erreur.
error-dmp-fault-protocol = Chevet et le DMP ne parlent pas la même version du protocole. Prévenez le service informatique : une mise à jour de Chevet est peut-être nécessaire.
error-dmp-registry-busy = Le registre des documents du DMP est momentanément surchargé. Réessayez dans quelques minutes.
error-dmp-registry = Le DMP a refusé l'opération sur les documents. Prévenez le service informatique en indiquant l'heure de l'erreur.
error-dmp-hl7-refused = Le DMP a refusé la demande concernant ce dossier. Prévenez le service informatique en indiquant l'heure de l'erreur.
error-dmp-service-status = Le DMP n'a pas effectué l'opération demandée. Réessayez plus tard ; si cela persiste, prévenez le service informatique.
error-dmp-malformed = Chevet n'a pas pu lire la réponse du DMP. L'opération a peut-être été faite malgré tout : vérifiez le dossier avant de recommencer, et prévenez le service informatique si cela se répète.
error-dmp-no-dmp = Ce patient n'a pas de DMP : il n'y a rien à consulter ni à alimenter. Le patient peut l'ouvrir depuis Mon espace santé.
error-dmp-closed = Le DMP de ce patient est fermé : il ne peut être ni consulté ni alimenté. Le patient peut demander sa réactivation.
error-dmp-authorization-missing = Vous n'avez pas encore d'autorisation d'accès au DMP de ce patient. Recueillez son accord, enregistrez-le dans Chevet, puis réessayez.
error-dmp-authorization-expired = Votre autorisation d'accès au DMP de ce patient a expiré. Recueillez de nouveau son accord, enregistrez-le dans Chevet, puis réessayez.
error-dmp-blocked-by-patient = Le patient a bloqué votre accès à son DMP. Vous ne pouvez pas le consulter ; il peut lever ce blocage depuis Mon espace santé.
error-dmp-opposition-bris-de-glace = Le patient s'est opposé à l'accès à son DMP en urgence (bris de glace) : vous ne pouvez pas le consulter dans ce mode.
error-dmp-opposition-centre-15 = Le patient s'est opposé à l'accès à son DMP par le médecin régulateur du centre 15 : vous ne pouvez pas le consulter dans ce mode.
error-dmp-document-not-found = Ce document n'est plus dans le DMP (supprimé, remplacé ou archivé). Actualisez la liste des documents.
error-dmp-unknown-patient = Le DMP ne connaît aucun patient avec cet INS. Vérifiez l'identité et l'INS du patient (téléservice INSi) avant de réessayer.
error-dmp-vihf-rejected = Le DMP a refusé votre identification. Reconnectez-vous ou réinsérez votre carte CPS ; si cela persiste, prévenez le service informatique.
error-dmp-too-many-results = La recherche renvoie trop de résultats. Précisez vos critères (période, type de document) et relancez-la.

## Identité : Pro Santé Connect, fournisseurs OpenID, carte CPS, verrouillage
login-tab-provider = Pro Santé Connect
login-tab-card = Carte CPS
login-tab-password = Compte local
login-no-provider = Aucun fournisseur d'identité n'est configuré.
login-provider-browser = Se connecter avec { $provider }
login-ciba-title = Connexion par e-CPS (sans navigateur)
login-ciba-help = Saisissez votre identifiant national ; validez ensuite la demande dans l'application e-CPS de votre téléphone.
login-national-id = Identifiant national (RPPS préfixé de 8)
login-ciba-submit = Envoyer la demande à mon e-CPS
login-ciba-sending = Envoi de la demande à Pro Santé Connect…
login-ciba-approve = Dans l'application e-CPS, vérifiez que ce nombre s'affiche puis validez :
login-ciba-countdown = La demande expire dans { $seconds } s.
login-browser-opening = Ouverture du navigateur…
login-browser-waiting = Terminez la connexion dans le navigateur qui vient de s'ouvrir.
login-browser-help = Chevet reprend la main dès que le fournisseur d'identité a répondu. Vous pouvez annuler à tout moment.
login-activity-title = Vous exercez dans plusieurs structures : choisissez celle de cette session.
login-cancel = Annuler
login-cancelled = Connexion annulée.
login-link-title = Première connexion de { $name }
login-link-help-suggested = Un compte local porte déjà votre identifiant national. Pour le relier, saisissez son mot de passe, ou demandez l'accord d'un administrateur.
login-link-help = Pour relier cette identité à votre compte local, saisissez ses identifiant et mot de passe, ou demandez l'accord d'un administrateur.
login-link-submit = Relier avec le mot de passe
login-link-ask-admin = Demander à un administrateur
login-link-requested = Votre demande est transmise. Vous pourrez vous connecter dès qu'un administrateur l'aura acceptée.
login-link-create-help = Vous n'avez pas de compte local ? Chevet peut en créer un, avec le rôle de votre profession.
login-link-create = Créer mon compte
login-link-no-role = Votre profession n'ouvre pas de compte automatiquement : demandez à un administrateur.
card-no-service = Aucun service de carte à puce (PC/SC) sur ce poste.
card-no-reader = Aucun lecteur de carte n'est branché.
card-insert = Insérez votre carte CPS.
card-virtual-badge = CARTE VIRTUELLE (bac à sable)
card-attempts-left = Essais restants : { $count }
card-pin-wrong = Code PIN incorrect. Essais restants : { $count }
card-pin-blocked = Carte bloquée après trop d'essais : débloquez-la avec votre code PUK (outil CPS-Gestion) ou contactez l'ANS.
card-pin = Code PIN
card-pin-submit = Valider
card-checking = Vérification de la carte…
card-virtual-title = Carte CPS virtuelle du bac à sable
card-virtual-help = Pour essayer la connexion par carte sans lecteur : Dr Claire Lambert, code PIN 1234.
card-virtual-insert = Insérer la carte virtuelle
card-virtual-pull = Retirer la carte virtuelle
lock-title = Session verrouillée
lock-reason-card = La carte a été retirée du lecteur.
lock-reason-inactivity = La session s'est verrouillée après une période d'inactivité.
lock-reason-user = Vous avez verrouillé la session.
lock-card-help = Réinsérez votre carte pour déverrouiller.
lock-unlock = Déverrouiller
lock-reauthenticate = Se reconnecter pour déverrouiller
lock-switch-user = Changer d'utilisateur
settings-links = Liaisons d'identité en attente
settings-links-refresh = Afficher les demandes
settings-links-none = Aucune demande en attente.
settings-links-approve = Accepter
settings-links-refuse = Refuser
error-link-pending = La liaison de votre identité à un compte local attend l'accord d'un administrateur.
error-link-mismatch = Ce compte local appartient à un autre professionnel.
error-link-no-role = Aucun rôle n'est prévu pour votre profession : un administrateur doit créer votre compte.
error-login-expired = La connexion en cours a expiré : recommencez.
error-card-no-virtual = La carte virtuelle n'existe que dans le bac à sable.
menu-lock = Verrouiller
login-ciba-sandbox-ecps = Ouvrir l'e-CPS du bac à sable pour valider
error-card-no-reader = Aucun lecteur de carte n'est branché.
error-card-no-card = Insérez votre carte CPS dans le lecteur.
error-card-removed = La carte a été retirée.
error-card-service = Le service de cartes à puce (pcscd) ne répond pas ; réessayez dans un instant ou prévenez le service informatique.
error-card-wrong-pin = Code PIN incorrect.
error-card-pin-blocked = Le code PIN est bloqué. Débloquez la carte avec votre code de déblocage (PUK).
error-card-pin-required = Saisissez d'abord votre code PIN.
error-card-pin-format = Le code PIN comporte de 4 à 8 chiffres.
error-card-not-cps = Cette carte n'est pas une carte CPS.
error-card-status = La carte a refusé l'opération.
error-card-malformed = La réponse de la carte est illisible ; retirez-la et réinsérez-la.
error-card-bad-signature = La carte n'a pas pu prouver qu'elle détient la clé de son certificat.
error-card-pcsc = Erreur du lecteur de carte ; retirez la carte et réessayez.
error-oidc-config = Le fournisseur d'identité est mal configuré (adresse, émetteur ou identifiants du client) : prévenez le service informatique.
error-oidc-unreachable = Le fournisseur d'identité ne répond pas. Vérifiez le réseau puis réessayez.
error-oidc-provider = Le fournisseur d'identité a refusé la demande. Réessayez ; si cela persiste, prévenez le service informatique.
error-oidc-denied = La connexion a été refusée (dans le navigateur ou sur l'e-CPS).
error-oidc-expired = La demande de connexion a expiré avant d'être validée : recommencez.
error-oidc-invalid-token = La réponse du fournisseur d'identité n'est pas valide (signature, émetteur ou niveau d'authentification) : connexion refusée par sécurité.
error-oidc-state = La réponse reçue ne correspond pas à cette demande de connexion : recommencez.
error-oidc-cancelled = Connexion annulée.
error-oidc-unknown-user = Pro Santé Connect ne connaît pas cet identifiant national. Vérifiez-le (8 suivi des 11 chiffres du RPPS) et réessayez.
sandbox-psc-help = Pro Santé Connect simulé : Dr Claire Lambert a l'identifiant national 810101234567 (e-CPS : ouvrez la page d'approbation proposée pendant l'attente) ; carte virtuelle : code PIN 1234.

## DMP: information et opposition du patient par séjour
dmp-consent-not-informed = Patient non informé de l'utilisation de son DMP
dmp-consent-informed-not-opposed = Patient informé et non opposé à l'utilisation de son DMP
dmp-consent-informed-opposed = Patient informé et opposé à l'utilisation de son DMP
dmp-consent-refused-not-informed = Consultation du DMP impossible : l'information du patient n'est pas enregistrée pour ce séjour.
dmp-consent-refused-opposed = Le patient s'oppose à la consultation de son DMP pour ce séjour.
dmp-consent-refused-break-glass-opposed = Le patient s'est opposé à l'accès à son DMP en mode bris de glace.
dmp-consent-feeding-refused-opposed = Le patient s'oppose à l'alimentation de son DMP pour ce séjour : le document n'est pas envoyé.
dmp-break-glass-reason-empty = Indiquez le motif de l'accès en bris de glace.
dmp-break-glass-reason-too-short = Le motif doit compter au moins 10 caractères.
dmp-break-glass-reason-too-long = Le motif ne doit pas dépasser 500 caractères.
dmp-consent-invalid-opposition = Une opposition ne peut être cochée que si le patient est « informé et opposé ».
dmp-consent-invalid-break-glass = Le bris de glace ne s'utilise que lorsque le patient n'a pas pu être informé.
dmp-consent-title = DMP : information du patient
dmp-consent-no-episode = Aucune venue en cours : l'information du patient se recueille pour une venue.
dmp-consent-recorded = Enregistré par { $by } le { $at }
dmp-consent-break-glass = Accès en mode bris de glace (patient hors d'état d'être informé)
dmp-consent-opposes-feeding = S'oppose à l'alimentation de son DMP
dmp-consent-opposes-consultation = S'oppose à la consultation de son DMP
dmp-break-glass-reason = Motif du bris de glace
dmp-consent-save = Enregistrer
dmp-not-consulted = DMP non consulté
dmp-not-configured = DMP non configuré
dmp-no-ins = DMP : INS non qualifiée
dmp-no-professional = DMP : connectez-vous avec votre identité professionnelle (carte CPS ou Pro Santé Connect)
dmp-checking = DMP…
dmp-last-known = dernier état connu ({ $at }), actualisation…
dmp-retry = Réessayer
dmp-badge-no-dmp = Pas de DMP
dmp-badge-closed = DMP fermé
dmp-badge-authorized = DMP : accès autorisé
dmp-badge-blocked = DMP : le patient vous a bloqué
dmp-badge-opposed = DMP : opposition du patient
dmp-badge-not-authorized = DMP : pas encore autorisé
dmp-badge-authorized-now = Chevet vient de poser l'autorisation d'accès (patient informé et non opposé).
dmp-badge-break-glass = Bris de glace
dmp-new-documents = DMP : { $count } nouveau(x) document(s)
dmp-new-documents-since = DMP : { $count } nouveau(x) document(s) depuis le { $date }
dmp-new-documents-invisible = dont { $count } invisible(s) pour le patient
settings-dmp-traces-export = Extraire les accès au DMP (CSV, pour le DPO)
settings-dmp-traces-written = Extraction écrite : { $path }
dmp-traced-notice = Vos accès au DMP sont contrôlés et tracés avec votre identifiant national (RPPS) : chaque consultation est enregistrée ici et par le DMP, et peut être vue par le patient.
dmp-portal-open = Ouvrir le DMP (web)
dmp-portal-vaccination = Note de vaccination
dmp-portal-not-configured = L'accès au portail web du DMP n'est pas configuré (adresse de contexte du portail : portal_context_url, section [dmp]).
dmp-count-new = Compter les nouveaux documents
dmp-count-new-help = Le décompte se fait seul pour les consultations externes et les urgences (réglable) ; ici, à la demande. Raccourci : Ctrl+R.
settings-dmp = DMP
settings-dmp-count-kinds = Compter sans clic les nouveaux documents du DMP pour :
# Document list: the DMP's documents merged in
folder-col-visibility = Visibilité
list-filter-all = Tous
list-filter-local = Dossier local
list-filter-dmp = DMP ({ $count })
list-filter-dmp-key = Documents du DMP seulement (Ctrl+D)
list-dmp-loading = Interrogation du DMP…
list-dmp-search = Rechercher dans le DMP…
list-dmp-search-key = Recherche multicritère dans le DMP (Ctrl+F)
list-integrate = Intégrer la sélection ({ $count })
list-integrate-key = Intégrer au dossier (Ctrl+I)
list-select-help = Sélectionner pour intégrer (Espace ; Maj+clic : une plage)
list-integrated = Intégré ✔
list-integrated-help = Ce document du DMP est déjà intégré au dossier.
list-dmp-row-help = Document du DMP, pas encore intégré au dossier : cliquer pour le lire.
list-invisible-patient = Invisible patient
list-invisible-patient-help = Invisible pour le patient : il ne le voit pas dans Mon espace santé (en attente de la consultation d'annonce).
list-invisible-legal = Invisible RL
list-invisible-legal-help = Invisible pour les représentants légaux du patient.
list-masked = Masqué PS
list-masked-help = Masqué aux professionnels par le patient (vous le voyez en tant qu'auteur ou médecin traitant).
list-archived = Archivé
list-archived-help = Archivé dans le DMP.
dmp-search-from = Créé du
dmp-search-from-hint = AAAA-MM-JJ
dmp-search-to = au
dmp-search-to-hint = AAAA-MM-JJ
dmp-search-type = Type (LOINC)
dmp-search-type-hint = ex. 11488-4
dmp-search-class = Classe
dmp-search-class-hint = ex. 10
dmp-search-author = Auteur
dmp-search-author-hint = nom ou identifiant
dmp-search-organisation = Organisation
dmp-search-organisation-hint = nom ou FINESS
dmp-search-invisible = Invisibles au patient seulement
dmp-search-archived = Inclure les archivés
dmp-search-replaced = Inclure les versions remplacées
dmp-search-submit = Rechercher
dmp-search-reset = Effacer les critères
dmp-search-bad-date = Date non reconnue : écrire AAAA-MM-JJ ou JJ/MM/AAAA.
dmp-search-bad-period = La période commence après sa fin.
dmp-make-visible = Rendre visible
dmp-make-visible-key = Rendre visible au patient après la consultation d'annonce (Ctrl+M)
dmp-visible-title = Rendre visible dans le DMP
dmp-visible-explain = Le patient pourra lire ce document dans Mon espace santé. Confirmer ?
dmp-visible-patient = Au patient
dmp-visible-legal = Aux représentants légaux
dmp-visible-confirm = Confirmer
dmp-visible-cancel = Annuler
dmp-visible-done = Document rendu visible dans le DMP.
dmp-worklist-title = Consultation d'annonce : { $count } document(s) de l'établissement encore invisible(s) au patient
dmp-worklist-offer = Un compte rendu de consultation d'annonce vient d'être enregistré. Rendre visibles les documents annoncés ?
dmp-worklist-age = envoyé il y a { $days } j — visible d'office dans { $left } j
dmp-integrate-done = Document(s) intégré(s) au dossier.
dmp-integrate-already = Déjà intégré au dossier : rien n'a été ajouté.
dmp-integrate-version-taken = Refusé : une autre version porte déjà ce numéro dans le dossier.
dmp-integrate-some-failed = Certains documents n'ont pas pu être lus dans le DMP : réessayer.
dmp-integrate-cancelled = Intégration interrompue ; les documents déjà intégrés sont conservés.
dmp-integrate-mismatch = Le DMP a renvoyé un autre document que celui demandé : rien n'a été intégré.
dmp-document-unknown = Ce document du DMP n'est plus connu de Chevet : actualisez la liste du DMP (Ctrl+R) puis réessayez.
doc-dmp-origin = Document lu dans le DMP
doc-dmp-open-copy = Ouvrir la copie du dossier
doc-dmp-integrate = Intégrer au dossier
doc-dmp-newer = Une version plus récente existe dans le DMP ({ $date }).
doc-dmp-newer-integrate = Ouvrir et intégrer la nouvelle version
doc-dmp-superseded = Ce document a été remplacé dans le DMP ; la nouvelle version n'a pas pu être lue.
doc-dmp-deleted = Ce document a été supprimé du DMP.
produce-announcement = Consultation d'annonce
produce-announcement-help = Après l'enregistrement, le dossier propose de rendre visibles au patient les documents encore invisibles.
produce-announcement-title = Compte rendu de consultation d'annonce
settings-dmp-count-since = Compter les nouveaux documents du DMP depuis :
settings-dmp-since-visit = la dernière venue du patient
settings-dmp-since-seen = la dernière consultation de la liste DMP du dossier
settings-dmp-since-date = une date
dmp-consent-save-key = Enregistrer pour la venue (Ctrl+S ; Alt+1 à Alt+4 choisissent)
dmp-portal-open-key = Le DMP du patient dans le navigateur (Ctrl+P)
dmp-portal-vaccination-key = La note de vaccination du patient (Ctrl+Maj+P)
list-select = Sélectionner « { $title } »

# Establishment mode: degraded mode
degraded-banner = Mode dégradé — la base partagée de l'établissement est injoignable depuis le { $since }. Les dossiers déjà ouverts sur ce poste s'affichent depuis sa copie locale ; l'information du patient et les intégrations sont mises en attente et seront transmises automatiquement au retour.
record-restored = Retour à la normale : la base partagée répond ; les saisies en attente lui ont été transmises.
folder-cached-copy = Copie locale de ce poste du { $at } (mode dégradé).
error-store-needs-record = Impossible en mode dégradé : cette action a besoin de la base partagée, injoignable. Réessayez au retour à la normale.
error-login-offline = Connexion refusée en mode dégradé : la base partagée est injoignable, et seuls les comptes qui se sont déjà connectés sur ce poste peuvent se connecter (vérifiez aussi l'identifiant et le mot de passe). Réessayez au retour à la normale ou depuis votre poste habituel.
services-title = État des services
services-refresh = Actualiser
services-service = Service
services-state = État
services-last-success = Dernier succès
services-last-error = Dernière erreur
services-up = répond
services-failing = en échec
services-unknown = pas encore sollicité
services-not-configured = non configuré
service-record = Dossier (base)
service-dmp = DMP
service-psc = Pro Santé Connect
service-directory = Annuaire Santé
service-gateway = Passerelle de messagerie (PFI)

# HL7 v2 messages (GAM, messaging gateway)
error-hl7-empty = Le message HL7 reçu est vide : il n'a pas été traité. Demandez à l'émetteur de le renvoyer.
error-hl7-no-header = Les données reçues ne sont pas un message HL7 v2 (pas de segment MSH au début) : vérifiez le fichier ou le paramétrage de l'émetteur.
error-hl7-bad-header = L'en-tête (segment MSH) du message HL7 est inexploitable : ses séparateurs sont absents ou invalides. Signalez-le à l'émetteur.
error-hl7-charset = Le jeu de caractères déclaré par ce message HL7 n'est pas pris en charge (seuls UNICODE UTF-8, 8859/1 et 8859/15 le sont) : demandez à l'émetteur d'envoyer en UTF-8.
error-hl7-too-large = Ce message HL7 dépasse la taille maximale acceptée : il n'a pas été traité. Signalez-le à l'émetteur.
error-hl7-unencodable = Ce message HL7 contient un caractère impossible à écrire dans le jeu de caractères de l'échange : il n'a pas été envoyé.
error-hl7-frame-too-large = Un message reçu par MLLP dépasse la taille maximale acceptée : il a été ignoré. Signalez-le à l'émetteur.
error-hl7-frame-truncated = Un message reçu par MLLP s'est interrompu avant sa fin (connexion coupée) : l'émetteur doit le renvoyer, ce qu'il fait normalement seul.

# Réception : ce que l'hôpital envoie (documents à rapprocher, documents reçus, identitovigilance)
menu-inbox = Réception
menu-inbox-help = Documents reçus de l'hôpital et des correspondants, à rapprocher ou déjà classés, et alertes d'identitovigilance
menu-inbox-to-reconcile = { $count } à rapprocher
menu-inbox-alerts = { $count ->
    [one] { $count } alerte
   *[other] { $count } alertes
}
inbox-title = Réception
inbox-tab-reconcile = À rapprocher ({ $count })
inbox-tab-received = Documents reçus
inbox-tab-alerts = Identitovigilance ({ $count })
inbox-none = Aucun document à rapprocher : tout ce qui a été reçu est classé.
inbox-filed = Document classé dans le dossier de { $name }.
inbox-col-received = Reçu le
inbox-col-channel = Canal
inbox-col-sender = Émetteur
inbox-col-subject = Objet
inbox-col-title = Titre
inbox-col-reason = Motif
inbox-col-patient = Patient
inbox-col-state = État
inbox-col-folder = Dossier
inbox-channel-mss = MSSanté
inbox-channel-hl7 = HL7
inbox-channel-xdm = XDM
inbox-reason-900 = pas la dernière version
inbox-reason-901 = émetteur non autorisé
inbox-reason-902 = patient inconnu
inbox-reason-903 = pas d'INS
inbox-reason-904 = INS ou traits différents
inbox-reason-905 = traits incomplets
inbox-reason-906 = autre
inbox-reason-import = archive XDM importée
inbox-reason-import-integrity = archive XDM : taille ou empreinte différente
inbox-reason = Motif :
inbox-sent-identity = Identité transmise par l'émetteur
inbox-id-birth-name = Nom de naissance
inbox-id-given = Prénom(s)
inbox-id-birth-date = Né(e) le
inbox-id-sex = Sexe
inbox-id-ins = INS
inbox-id-ipp = IPP
inbox-id-differs = dossier proposé : { $value }
inbox-search = Rechercher le patient
inbox-file = Classer dans le dossier de { $name } (Entrée)
inbox-file-help = Entrée classe le document dans le dossier proposé ; cliquez sur un autre patient pour le choisir à sa place.
inbox-no-proposal = Aucun dossier ne correspond : modifiez la recherche.
inbox-refuse = Refuser
inbox-refuse-help = Le document n'est classé dans aucun dossier ; il reste conservé, marqué refusé.
inbox-received-none = Aucun document reçu pour l'instant.
inbox-new = Nouveau
inbox-deleted = Supprimé par l'émetteur
inbox-open-folder = Ouvrir le dossier
inbox-open-folder-help = Ouvrir le dossier du patient
inbox-alerts-none = Aucune alerte d'identitovigilance ouverte.
inbox-alert-resolve = Marquer comme traité
inbox-alert-patient = Dossier :
inbox-alert-other = Autre dossier :
inbox-xdm-path = Archive XDM (.zip)
inbox-xdm-hint = chemin du fichier .zip
inbox-xdm-import = Importer une archive XDM
inbox-xdm-drop = Vous pouvez aussi déposer le fichier .zip sur la fenêtre.
inbox-xdm-importing = Lecture de l'archive…
inbox-xdm-queued = { $count ->
    [one] { $count } document mis en attente de rapprochement.
   *[other] { $count } documents mis en attente de rapprochement.
}
inbox-xdm-mismatches = Dont { $count } avec une taille ou une empreinte différente de celles annoncées : vérifiez-les avant de les classer.
inbox-xdm-skipped = { $count ->
    [one] { $count } élément ignoré (pas un document CDA).
   *[other] { $count } éléments ignorés (pas des documents CDA).
}
inbox-xdm-refused = Archive refusée : { $reason }
inbox-xdm-drop-zip-only = Seule une archive XDM (fichier .zip) peut être déposée sur la fenêtre.
inbox-simulate = Bac à sable, système de l'hôpital simulé :
inbox-simulate-admission = Simuler : admission (GAM)
inbox-simulate-mss = Simuler : courriel MSSanté reçu
inbox-simulate-unmatched = Simuler : document non rapproché
inbox-simulate-help = Bac à sable : le système simulé de l'hôpital envoie un vrai message HL7 v2 au poste.
inbox-ack-aa = Message simulé reçu : accusé de réception AA (accepté).
inbox-ack-ae = Message simulé reçu : accusé de réception AE (erreur applicative) ; le document attend dans « À rapprocher ».
inbox-ack-ar = Message simulé refusé : accusé de réception AR.
inbox-ack-none = Message simulé envoyé, sans accusé de réception exploitable.
folder-received-unseen = { $count ->
    [one] { $count } document reçu non lu
   *[other] { $count } documents reçus non lus
}
folder-received-unseen-help = Documents reçus par messagerie ou du système de l'hôpital, pas encore ouverts
alert-ins-traits-differ = INS connu, traits d'identité différents
alert-ins-on-other-patient = INS déjà porté par un autre dossier
alert-merge-with-documents = Fusion de dossiers ayant des documents
alert-merge-unknown-patient = Fusion concernant un patient inconnu
error-sandbox-only = Réservé au bac à sable.
error-hl7-no-listener = Le poste n'écoute pas les messages HL7 (aucune adresse d'écoute configurée).
error-hl7-send = Le message HL7 n'a pas pu être envoyé ou son accusé de réception n'est pas arrivé.
error-inbox-already-decided = Ce document a déjà été classé ou refusé (peut-être depuis un autre poste).
error-inbox-unreadable = Ce document reçu est illisible : il ne peut pas être classé.

## Envois DMP (la file d'envoi)
menu-outbox = Envois DMP
menu-outbox-help = Documents du service en route vers le DMP : en attente, suspendus, en échec, envoyés
menu-outbox-attention = { $count ->
    [one] { $count } envoi demande votre attention
   *[other] { $count } envois demandent votre attention
}
outbox-title = Envois DMP
outbox-help = Un document validé part après un délai pendant lequel il peut être suspendu ou annulé. Entrée ou double-clic : ouvrir le document.
outbox-refresh = Actualiser
outbox-none = Aucun envoi dans cette liste.
outbox-filter-pending = En cours
outbox-filter-failed = En échec
outbox-filter-done = Envoyés
outbox-filter-stopped = Annulés ou non envoyés
outbox-filter-all = Tous
outbox-col-patient = Patient
outbox-col-document = Document
outbox-col-action = Action
outbox-col-route = Voie
outbox-col-state = État
outbox-col-due = Départ
outbox-col-attempts = Essais
outbox-col-reason = Motif
outbox-col-acks = Accusés
outbox-col-commands = Actions
outbox-action-feed = Envoi
outbox-action-replace = Remplacement
outbox-action-delete = Suppression
outbox-route-dmp-help = Envoyé directement au DMP par Chevet
outbox-route-pfi-help = Envoyé par la plateforme d'intégration (PFI) de l'établissement
outbox-state-waiting = En attente
outbox-state-sending = Envoi en cours
outbox-state-sent = Envoyé
outbox-state-acknowledged = Accusé reçu
outbox-state-failed = Échec
outbox-state-failed-final = Échec définitif
outbox-state-held = Suspendu
outbox-state-cancelled = Annulé
outbox-state-not-sent = Non envoyé
outbox-in = dans { $left }
outbox-cmd-hold = Suspendre
outbox-cmd-resume = Reprendre
outbox-cmd-cancel = Annuler
outbox-cmd-retry = Réessayer
outbox-ack-read = Lu
outbox-ack-dmp-help = Accusé de réception du DMP
outbox-ack-mss-help = Accusé de réception de la messagerie du destinataire (MSSanté)
outbox-ack-read-help = Accusé de lecture du destinataire (MSSanté)
produce-sharing = Partage
produce-send-dmp = Envoyer au DMP
produce-replacing = Nouvelle version de « { $title } » : une fois produite, elle remplace la précédente, dans le DMP aussi.
produce-send-dmp-help = Le document part vers le DMP du patient après le délai de l'établissement ; il reste suspendable ou annulable depuis « Envois DMP ».
produce-invisible-patient = Invisible pour le patient (en attente de consultation d'annonce)
produce-invisible-legal = Invisible pour les représentants légaux
produce-masked-ps = Masqué aux professionnels
list-sharing-none = Non envoyé
list-sharing-waiting = En attente · { $left }
list-sharing-held = Suspendu
list-sharing-sending = Envoi…
list-sharing-sent = Envoyé
list-sharing-acknowledged = Accusé DMP ✔
list-sharing-deleted = Supprimé du DMP
list-sharing-failed-retry = Échec (nouvel essai)
list-sharing-failed-final = Échec : { $reason }
list-sharing-cancelled = Annulé
list-sharing-not-sent = Non envoyé : opposition
list-sharing-actions-help = Cliquer pour les actions d'envoi au DMP
list-sharing-of = Envoi DMP de « { $title } » :
list-delete-from-dmp = Supprimer du DMP
list-new-version = Nouvelle version
list-new-version-help = Rédiger une nouvelle version de ce document : une fois produite, elle remplace celle-ci, dans le DMP aussi.
list-delete-from-dmp-confirm = Confirmer la suppression du DMP
list-send-again = Renvoyer
list-pick = Envoyer au DMP avec l'historique : { $title }
list-pick-help = Cocher pour l'envoyer au DMP avec l'historique (Espace)
list-send-history = Envoyer l'historique au DMP ({ $count })
list-send-history-help = Envoie maintenant au DMP les documents cochés, produits dans l'établissement et jamais envoyés
list-send-history-all = Tout cocher
list-send-history-none = Tout décocher
list-history-progress = Historique : { $sent }/{ $total } envoyés, { $failed ->
    [0] aucun échec
    [one] { $failed } échec
   *[other] { $failed } échecs
}
list-history-cancel = Annuler l'envoi

## Annuaire (issue 16)
menu-directory = Annuaire
menu-directory-help = Annuaire Santé : les correspondants et leurs boîtes aux lettres MSSanté
directory-title = Annuaire
directory-search = Rechercher un correspondant
directory-search-hint = nom, prénom, RPPS, spécialité, établissement, adresse…
directory-postal-code = Code postal
directory-city = Ville
directory-profession = Profession
directory-search-online = Chercher aussi dans l'Annuaire Santé
directory-search-online-help = Interroge l'Annuaire Santé en ligne : ses réponses confirment et complètent l'annuaire local.
directory-empty-query = Tapez un nom, un RPPS, une spécialité, un établissement ou une adresse pour chercher un correspondant.
directory-searching = recherche…
directory-no-result = Aucun correspondant ne correspond à cette recherche.
directory-results = { $count ->
    [one] 1 correspondant
   *[other] { $count } correspondants
}
directory-results-first = Les { $count } premiers correspondants : précisez la recherche pour voir les autres.
directory-copy-mailbox = Copier l'adresse MSSanté
directory-col-name = Nom
directory-col-profession = Profession / spécialité
directory-col-structure = Structure
directory-col-address = Adresse
directory-col-mailbox = Boîte MSSanté
directory-col-source = Vérification
directory-confirmed = Confirmé par l'Annuaire Santé le { $date }
directory-confirmed-short = Confirmé le { $date }
directory-status-entries = { $count ->
    [one] 1 correspondant
   *[other] { $shown } correspondants
}
directory-status-import = import du { $date } ({ $source })
directory-status-never = aucun import
directory-import-title = Importer l'extraction de l'Annuaire Santé
directory-import-help = Le fichier Extraction_Correspondance_MSSante (zip ou texte) téléchargé sur annuaire.sante.fr remplace l'annuaire local à la fin de l'import ; jusque-là l'annuaire reste utilisable.
directory-import-path = Fichier
directory-import-start = Importer
directory-import-starting = Ouverture du fichier…
directory-import-progress = { $entries } correspondants lus
directory-import-done = Import terminé : { $entries } correspondants ({ $skipped } lignes ignorées).
directory-imported = Annuaire mis à jour.

## Envoi par MSSanté (issue 16)
mss-send = Envoyer par MSSanté
mss-send-help = Envoyer ce document par messagerie sécurisée de santé, par la plateforme de l'établissement
mss-queued = Envoi MSSanté en file : les accusés de chaque destinataire s'affichent sous « Envois MSSanté ».
mss-form-title = Envoyer par MSSanté
mss-form-treating = Médecin traitant
mss-form-treating-none = Aucun médecin traitant connu dans l'annuaire pour ce patient.
mss-form-search = Ajouter un destinataire
mss-form-add = Ajouter
mss-form-chosen = { $count ->
    [0] Aucun destinataire
    [one] 1 destinataire
   *[other] { $count } destinataires
}
mss-form-remove = Retirer ce destinataire
mss-form-patient = Messagerie du patient (Mon espace santé)
mss-form-patient-unqualified = identité non qualifiée : la messagerie du patient n'est pas proposée
mss-form-no-reply = Réponse du patient non autorisée
mss-form-body = Message
mss-form-body-hint = Texte du message (facultatif : à défaut, celui de la plateforme)
mss-form-send = Envoyer
mss-form-send-none = Choisissez au moins un destinataire.
mss-receipts-title = { $count ->
    [one] Envois MSSanté (1)
   *[other] Envois MSSanté ({ $count })
}
mss-send-line = { $date } par { $by }
mss-send-sent-at = parti le { $date }
mss-send-tally = { $delivered } remis, { $refused } refusés sur { $total }
mss-send-no-reply = réponse du patient non autorisée
mss-state-waiting = En file
mss-state-sending = Envoi en cours
mss-state-sent = Envoyé
mss-state-failed = Échec
mss-state-cancelled = Annulé
mss-receipt-waiting = En attente
mss-receipt-delivered = Remis
mss-receipt-read = Lu
mss-receipt-refused = Refusé : { $code } { $label }

error-directory-cancelled = Import annulé : l'annuaire local est inchangé.
error-directory-empty = Ce fichier ne contient aucune boîte aux lettres MSSanté : l'annuaire local est inchangé. Vérifiez qu'il s'agit de l'extraction Extraction_Correspondance_MSSante.
error-directory-unreadable = Le fichier n'a pas pu être lu : vérifiez le chemin et les droits, puis recommencez. L'annuaire local est inchangé.
error-directory-format = Ce fichier n'est pas une extraction de l'Annuaire Santé lisible (format ou taille refusés) : téléchargez à nouveau l'extraction Extraction_Correspondance_MSSante. L'annuaire local est inchangé.
error-directory-import-server = L'annuaire de l'établissement est mis à jour par le serveur (chevet serve) : il n'y a rien à importer sur ce poste.
error-directory-import-running = Un import de l'annuaire est déjà en cours : attendez sa fin ou annulez-le.
error-annuaire-not-configured = L'Annuaire Santé en ligne n'est pas configuré sur ce poste : seul l'annuaire local est consulté.
error-annuaire-key = L'Annuaire Santé a refusé la clé d'accès de l'établissement : prévenez l'administrateur. Les résultats viennent de l'annuaire local.
error-annuaire-unavailable = L'Annuaire Santé ne répond pas : les résultats viennent de l'annuaire local. Réessayez plus tard.
error-annuaire-refused = L'Annuaire Santé a refusé la recherche : précisez-la (au moins un nom ou un identifiant). Les résultats viennent de l'annuaire local.
error-mss-no-recipient = Choisissez au moins un destinataire avant d'envoyer.
error-mss-patient-ins = La messagerie du patient demande une identité qualifiée (INS) : qualifiez l'identité ou retirez ce destinataire.
error-mss-recipient-gone = Un destinataire n'est plus dans l'annuaire (mis à jour depuis) : cherchez-le à nouveau puis renvoyez.

# issue 17 — identity vigilance workflow
identity-search-ins = Rechercher l'INS
identity-search-ins-help = Interroge le téléservice INSi avec les traits du dossier, puis compare l'identité trouvée avec celle du dossier.
identity-open-panel = Vigilance identité
identity-open-panel-help = Statut de l'identité, pièce d'identité vérifiée, doute, historique.
identity-panel-title = Identité du patient
identity-insi-heading = Téléservice INSi
identity-insi-searching = Interrogation du téléservice INSi…
identity-insi-found = INS trouvé : { $ins } ({ $kind }), en { $calls ->
        [one] 1 appel
       *[other] { $calls } appels
    }
identity-insi-earlier = { $count ->
        [one] L'INSi connaît 1 INS antérieur pour cette personne.
       *[other] L'INSi connaît { $count } INS antérieurs pour cette personne.
    }
identity-comparison-trait = Trait
identity-comparison-folder = Dossier
identity-comparison-insi = Téléservice INSi
identity-comparison-result = Comparaison
identity-trait-birth-name = Nom de naissance
identity-trait-first-names = Prénoms de naissance
identity-trait-sex = Sexe
identity-trait-birth-date = Date de naissance
identity-trait-birthplace = Lieu de naissance
identity-trait-empty = non renseigné
identity-agreement-same = ✓ identique
identity-agreement-written = ≈ écrit autrement : { $what }
identity-agreement-case = majuscules
identity-agreement-accents = accents
identity-agreement-separators = tirets, apostrophes ou espaces
identity-agreement-completed = + complété par l'INSi
identity-agreement-different = ✗ différent
identity-insi-differs = Un trait diffère : l'identité INS ne peut pas être acceptée. Vérifiez l'identité avec le patient et sa pièce d'identité ; corrigez le dossier puis recherchez de nouveau, ou refusez.
identity-insi-accept = Accepter l'identité INS
identity-insi-accept-help = Enregistre l'INS et les traits renvoyés par l'INSi : identité récupérée (qualifiée si une pièce d'identité a déjà été vérifiée).
identity-insi-refuse = Refuser
identity-insi-refuse-help = Rien n'est enregistré ; le refus est tracé dans l'historique.
identity-insi-not-found = Aucune identité trouvée par l'INSi ({ $calls ->
        [one] 1 appel
       *[other] { $calls } appels
    }) : vérifiez les traits avec le patient et sa pièce d'identité, corrigez-les puis recherchez de nouveau.
identity-insi-several = Plusieurs identités trouvées par l'INSi, même avec tous les prénoms et le lieu de naissance ({ $calls ->
        [one] 1 appel
       *[other] { $calls } appels
    }) : complétez les prénoms et le lieu de naissance du dossier, puis recherchez de nouveau.
identity-insi-again = Rechercher de nouveau
identity-document-heading = Pièce d'identité vérifiée :
identity-document-help = Pièce originale, présentée par le patient. Une pièce à haut niveau de confiance valide l'identité (qualifiée si l'INS a été récupéré).
identity-document-other = Autre pièce…
identity-document-other-help = Ces pièces ne permettent pas de valider l'identité ; leur présentation est tracée.
identity-document-cni = Carte nationale d'identité
identity-document-passeport = Passeport
identity-document-titre-sejour = Titre de séjour
identity-document-livret-famille = Livret de famille ou acte de naissance (mineur)
identity-document-permis-conduire = Permis de conduire
identity-document-carte-vitale = Carte Vitale
identity-document-autre = Autre document
identity-doubt = Doute sur l'identité…
identity-doubt-help = L'identité repasse provisoire : l'INS n'est plus utilisé dans les échanges.
identity-doubt-traits-contradicted = Traits contredits (patient, proche ou document)
identity-doubt-document-doubtful = Pièce d'identité douteuse
identity-doubt-suspected-fraud = Usurpation d'identité suspectée
identity-doubt-duplicate-or-collision = Doublon ou collision de dossiers possible
identity-doubt-other = Autre motif
identity-deciding = Enregistrement…
identity-now-provisoire = L'identité est provisoire : l'INS n'est pas utilisé dans les échanges.
identity-now-recuperee = Identité récupérée : vérifiez une pièce d'identité pour la qualifier.
identity-now-validee = Identité validée : recherchez l'INS pour la qualifier.
identity-now-qualifiee = Identité qualifiée : l'INS peut être utilisé dans les échanges.
identity-ins-on-other-folder = Cet INS est déjà celui d'un autre dossier : rien n'est enregistré, une alerte attend dans la liste d'identitovigilance (Réception).
identity-document-low-trust = Cette pièce ne permet pas de valider l'identité : sa présentation est tracée, le statut est inchangé.
identity-ins-refused = Identité INS refusée : rien n'a été enregistré, le refus est tracé dans l'historique.
identity-history = Historique de l'identité
identity-history-none = Aucun changement enregistré.
identity-history-line = { $at } · { $event } · { $from } → { $to } · { $who }
identity-history-ins-accepted = Identité INS acceptée
identity-history-ins-refused = Identité INS refusée
identity-history-ins-not-found = INSi : aucune identité
identity-history-ins-several = INSi : plusieurs identités
identity-history-document-checked = Pièce d'identité vérifiée
identity-history-doubt = Doute sur l'identité
identity-history-gam = Mise à jour par la GAM
identity-why-document = Pièce : { $document }
identity-why-reason = Motif : { $reason }
identity-why-insi = INSi : code { $code }, { $calls ->
        [one] 1 appel
       *[other] { $calls } appels
    }
identity-why-ins = INS : { $ins }
identity-detail-low-trust = pièce à faible niveau de confiance
identity-detail-traits = traits modifiés : { $traits }
identity-detail-ins = INS
identity-detail-status = statut envoyé : { $status }
error-identity-traits-changed = L'identité du dossier a changé depuis la recherche INSi : recherchez de nouveau avant de décider.
error-identity-traits-differ = Un trait de l'identité INS diffère de celui du dossier : elle ne peut pas être acceptée. Vérifiez l'identité, corrigez le dossier puis recherchez de nouveau.
error-identity-transition = Ce changement de statut n'est pas possible depuis le statut actuel : rechargez le dossier.
alert-traits-changed-by-gam = La GAM a modifié un trait strict : identité repassée provisoire
alert-status-lowered-by-gam = La GAM a envoyé un statut inférieur : INS non utilisable
inbox-alert-verify = Vérifier l'identité
inbox-alert-verify-help = Ouvre le dossier sur son identité : INSi, pièce d'identité, doute, historique.

# issue 17 — double authentification, politique de mot de passe, administration des comptes
dmp-strong-auth-required = Le DMP demande une authentification forte : connectez-vous avec Pro Santé Connect, votre carte CPS, ou activez la double authentification
login-second-factor-required = Saisissez le code de votre application d'authentification.
login-password-change-required = Ce mot de passe a été choisi par un administrateur : choisissez le vôtre pour continuer.
error-second-factor-invalid = Code incorrect ou déjà utilisé. Saisissez le code affiché maintenant par l'application (chaque code ne sert qu'une fois).
error-second-factor-unreadable = La double authentification de ce compte ne peut pas être lue : demandez à un administrateur de la réinitialiser.
error-second-factor-no-enrolment = L'activation a expiré : recommencez-la depuis « Sécurité du compte ».
error-password-policy-length = Le mot de passe doit compter au moins 12 caractères.
error-password-policy-length-admin = Le mot de passe d'un administrateur doit compter au moins 16 caractères.
error-password-policy-kinds = Mot de passe trop simple : mêlez au moins trois sortes de caractères (minuscules, majuscules, chiffres, autres) et variez-les, ou choisissez une phrase de passe d'au moins 20 caractères.
error-password-policy-login = Le mot de passe ne doit pas contenir l'identifiant.
error-password-policy-reused = Ce mot de passe fait partie des 5 derniers utilisés : choisissez-en un nouveau.
error-accounts-last-admin = Impossible : il faut garder au moins un administrateur actif, et on ne désactive pas son propre compte.
error-accounts-unknown = Ce compte n'existe plus : actualisez la liste.
error-accounts-empty-field = Renseignez l'identifiant et le nom affiché.
password-policy-help = Au moins 12 caractères (16 pour un administrateur), trois sortes de caractères parmi minuscules, majuscules, chiffres et autres — ou une phrase de passe de 20 caractères ou plus ; ni l'identifiant, ni l'un des 5 derniers mots de passe.
password-current = Mot de passe actuel
password-new = Nouveau mot de passe
password-new-confirm = Confirmer le nouveau mot de passe
password-change-submit = Changer le mot de passe
login-step-back = Revenir à l'identifiant
login-second-factor-title = Double authentification
login-second-factor-help = Ouvrez votre application d'authentification et saisissez le code à 6 chiffres affiché pour Chevet.
login-recovery-help = Saisissez l'un de vos codes de secours (chacun ne sert qu'une fois), puis réactivez la double authentification avec votre nouveau téléphone.
login-second-factor-code = Code de l'application
login-recovery-code = Code de secours
login-second-factor-submit = Valider
login-use-recovery = Je n'ai pas mon téléphone : utiliser un code de secours
login-use-totp = Utiliser le code de l'application
login-change-password-title = Choisissez votre mot de passe
login-change-password-help = Le mot de passe actuel est provisoire. Choisissez-en un que vous seul connaissez.
security-title = Sécurité du compte
security-second-factor = Double authentification
security-second-factor-off = Non activée : sans elle, une session ouverte par mot de passe n'accède pas au DMP.
security-second-factor-on = Activée : votre session peut accéder au DMP.
security-enrol-start = Activer la double authentification
security-enrol-again = Changer d'application d'authentification
security-enrol-scan = Scannez ce QR code avec votre application d'authentification (ou saisissez la clé ci-dessous).
security-enrol-qr = QR code de la double authentification
security-enrol-secret = Clé secrète : { $secret }
security-enrol-confirm-help = Pour confirmer, saisissez votre mot de passe et le code que l'application affiche maintenant.
security-enrol-password = Votre mot de passe
security-enrol-code = Code affiché par l'application
security-enrol-confirm = Confirmer l'activation
security-enrol-cancel = Annuler
security-enrolled = Double authentification activée.
security-recovery-codes-help = Vos codes de secours : notez-les et gardez-les à l'abri. Chacun remplace une fois le code de l'application. Ils ne seront plus affichés.
security-recovery-codes-kept = J'ai noté mes codes de secours
security-password = Mot de passe
security-password-changed = Mot de passe changé.
menu-accounts = Comptes
menu-accounts-help = Les comptes utilisateurs : créer, modifier, désactiver, débloquer, réinitialiser, exporter.
menu-admin = Administration
accounts-title = Comptes utilisateurs
accounts-search = Rechercher un compte
accounts-role-any = Tous les rôles
accounts-filter-all = Tous les comptes
accounts-filter-active = Actifs
accounts-filter-disabled = Désactivés
accounts-filter-locked = Bloqués
accounts-filter-no-second-factor = Sans double authentification
accounts-refresh = Actualiser
accounts-export = Exporter la liste (CSV)
accounts-exported = Liste des comptes exportée : { $path }
accounts-temporary-password = Mot de passe provisoire de { $login } : { $password }
accounts-temporary-password-help = Remettez-le à l'utilisateur en main propre : il devra le changer à sa première connexion. Il ne sera plus affiché.
accounts-temporary-password-hide = Masquer le mot de passe provisoire
accounts-create-title = Nouveau compte
accounts-new-login = Nouvel identifiant
accounts-new-name = Nom affiché
accounts-create = Créer le compte
accounts-col-login = Identifiant
accounts-col-name = Nom
accounts-col-role = Rôle
accounts-col-state = État
accounts-col-second-factor = Double authentification
accounts-col-last-login = Dernière connexion
accounts-yes = oui
accounts-no = non
accounts-never = jamais
accounts-state-active = actif
accounts-state-disabled = désactivé
accounts-state-locked = bloqué
accounts-state-must-change = mot de passe provisoire
accounts-selected = Compte { $login }
accounts-edit-name = Nom affiché du compte
accounts-save-name = Enregistrer le nom
accounts-edit-role = Rôle du compte
accounts-save-role = Changer le rôle
accounts-disable = Désactiver
accounts-enable = Réactiver
accounts-unlock = Débloquer
accounts-reset-password = Réinitialiser le mot de passe
accounts-reset-second-factor = Réinitialiser la double authentification
accounts-confirm-disable = Désactiver ce compte ? Il ne pourra plus se connecter, par aucun moyen.
accounts-confirm-reset-password = Donner un mot de passe provisoire à ce compte ? Sa double authentification sera supprimée : l'utilisateur la réactivera.
accounts-confirm-reset-second-factor = Supprimer la double authentification de ce compte ? L'utilisateur devra la réactiver pour accéder au DMP.
accounts-confirm = Confirmer
accounts-cancel = Annuler

# issue 17 — confiance des cartes CPS (chaîne IGC-Santé, dates, révocation)
error-card-untrusted = Cette carte n'a pas été émise par une autorité de confiance (IGC-Santé) : connexion refusée. Contactez le service informatique ; si c'est bien votre carte CPS, signalez-le à l'ANS (gestionnaire des cartes CPS).
error-card-expired = Le certificat de cette carte CPS a expiré : connexion refusée. Utilisez votre nouvelle carte ou commandez-en une auprès de l'ANS ; le service informatique peut vous aider en attendant.
error-card-not-yet-valid = Le certificat de cette carte CPS n'est pas encore valide : connexion refusée. Vérifiez la date et l'heure de ce poste, sinon contactez le service informatique.
error-card-authority-not-valid = L'autorité de certification de cette carte n'est pas valide à cette date : connexion refusée. Contactez le service informatique (certificats IGC-Santé du poste à mettre à jour, ou date du poste erronée).
error-card-revoked = Cette carte CPS a été révoquée (déclarée perdue, volée ou remplacée) : connexion refusée. Utilisez votre nouvelle carte ou contactez l'ANS ; le service informatique peut vous aider.
error-card-crl-unavailable = La liste de révocation des cartes CPS n'a pas pu être vérifiée (serveur injoignable ou liste périmée) : connexion par carte refusée. Réessayez dans quelques minutes ou connectez-vous autrement (Pro Santé Connect) ; si cela dure, contactez le service informatique.
error-card-trust-not-configured = Aucune autorité de confiance IGC-Santé n'est configurée sur ce poste : connexion par carte impossible. Contactez le service informatique (section [card] de la configuration).

# issue 17 — INSi client and simulator
error-insi-fault = Le téléservice INSi a refusé la demande : « { $reason } » ({ $codes }). Vérifiez les traits d'identité saisis ; si cela persiste, prévenez le service informatique.
error-insi-access = Le téléservice INSi refuse le certificat de l'établissement : « { $reason } » ({ $codes }). Il faut un certificat INSI-AUTO ou INSI-MANU : prévenez le service informatique.
error-insi-software = Le téléservice INSi ne reconnaît pas ce logiciel : « { $reason } » ({ $codes }). Le numéro d'autorisation (IDAM) de la configuration est à corriger : prévenez le service informatique.
error-insi-busy = Le téléservice INSi est momentanément indisponible : « { $reason } » ({ $codes }). Réessayez dans quelques minutes.
error-insi-timeout = Le téléservice INSi n'a pas répondu à temps. Réessayez dans quelques instants ; l'identité reste inchangée en attendant.
error-insi-unavailable = Le téléservice INSi est injoignable ou indisponible. Vérifiez la connexion au réseau puis réessayez ; si cela dure, prévenez le service informatique (certificat INSI de l'établissement).
error-insi-tls = La connexion sécurisée au téléservice INSi a échoué (certificat refusé). Prévenez le service informatique : le certificat INSI-AUTO ou INSI-MANU de l'établissement ou sa chaîne de confiance est à vérifier.
error-insi-answer = Réponse illisible ou inattendue du téléservice INSi : rien n'a été enregistré. Réessayez ; si cela persiste, prévenez le service informatique.
error-insi-invalid-ins = Le téléservice INSi a renvoyé un INS dont la clé ou l'OID est invalide : il n'a pas été enregistré. Prévenez le service informatique.
error-insi-config = Le téléservice INSi est mal configuré sur ce poste (adresse, certificat ou numéro d'autorisation). Prévenez le service informatique.
error-insi-incomplete = Les traits d'identité ne suffisent pas pour interroger l'INSi (nom de naissance, sexe masculin ou féminin, date de naissance, lieu de naissance en code INSEE à 5 caractères). Complétez l'identité puis recherchez de nouveau.
error-insi-not-configured = Le téléservice INSi n'est pas configuré sur ce poste : l'INS ne peut pas être recherché. Prévenez le service informatique.

# issue 18 — portability
menu-portability = Export / import
menu-portability-help = Exporter les dossiers (archive documentée : fichiers CDA et index) ou les importer dans un Chevet vide.
portability-title = Export et import des données
portability-intro = L'archive contient les identités, les séjours, l'historique de l'information DMP et de l'identitovigilance, les états de partage et chaque document tel quel (fichier CDA). Elle ne contient ni les comptes ni la trace d'audit. Conservez-la comme un dossier patient : elle n'est pas chiffrée.
portability-export-heading = Exporter
portability-export-all = Exporter tout l'établissement
portability-export-all-help = Écrit une archive de tous les dossiers dans le dossier « exports » des données de Chevet.
portability-export-folder = Exporter le dossier
portability-export-folder-help = Écrit une archive de ce dossier (identité, séjours, documents CDA, consentements, partages) dans le dossier « exports » ; le chemin s'affiche dans Administration › Export / import.
portability-import-heading = Importer
portability-import-help = Seulement dans un Chevet vide (aucun patient) : l'archive est vérifiée entièrement (sommes SHA-256, tailles) et importée en une fois, ou pas du tout.
portability-import-path = Chemin de l'archive
portability-import = Importer l'archive
portability-exporting = Export en cours…
portability-importing = Import en cours…
portability-progress = { $done } / { $total } documents
portability-exported = Archive écrite : { $patients } patient(s), { $documents } document(s), { $size } Mo.
portability-exported-path = Fichier : { $path }
portability-imported = Archive importée : { $patients } patient(s), { $documents } document(s) (écrite par Chevet { $version }).
portability-exported-notice = Export terminé : le chemin de l'archive est affiché dans Administration › Export / import.
portability-imported-notice = Import terminé : les dossiers de l'archive sont dans Chevet.
portability-error-io = Le fichier n'a pas pu être lu ou écrit (disque plein, droits, chemin introuvable ?). Rien n'a été importé ; vérifiez le chemin et l'espace disque, puis réessayez.
portability-error-patient = Aucun patient ne porte cet IPP. Vérifiez l'IPP puis réessayez.
portability-error-not-empty = Ce Chevet contient déjà des patients : une archive ne s'importe que dans un Chevet vide. Rien n'a été importé ; utilisez un nouveau dossier de données.
portability-error-newer = Cette archive a été écrite par une version plus récente de Chevet (format plus récent). Rien n'a été importé ; installez la dernière version de Chevet.
portability-error-not-export = Ce fichier n'est pas une archive d'export Chevet (index.json absent ou illisible). Rien n'a été importé.
portability-error-checksum = Un document de l'archive ne correspond pas à son empreinte SHA-256 ou à sa taille (archive abîmée ou modifiée). Rien n'a été importé ; refaites l'export.
portability-error-record = L'index de l'archive contient une donnée invalide (identité, séjour ou document). Rien n'a été importé ; refaites l'export.
portability-error-hostile = Archive refusée : elle n'est pas sûre (chemins hors de l'archive, liens, chiffrement, taille ou compression anormales) ou elle est abîmée. Rien n'a été importé.

# issue 18 — settings-typed
settings-typed-installation = Paramètres de l'installation
settings-typed-since-date-label = Date de début du comptage (AAAA-MM-JJ)
settings-typed-save = Enregistrer les paramètres
settings-typed-cancel = Annuler les modifications
settings-typed-saved = Paramètres enregistrés.
settings-typed-imported = Paramètres importés et appliqués.
settings-typed-save-failed = L'enregistrement a été refusé. Si un autre poste a modifié les paramètres entre-temps, rechargez-les puis refaites vos modifications.
settings-typed-reload = Recharger les paramètres
settings-typed-transfer = Exporter / importer les paramètres
settings-typed-export = Exporter les paramètres
settings-typed-exported = Paramètres exportés : { $path }
settings-typed-import-path = Fichier de paramètres à importer
settings-typed-import = Importer les paramètres
settings-typed-refused = Refusé : rien n'a été modifié. Corrigez les valeurs signalées ci-dessus, puis recommencez.
settings-typed-issue-kinds-empty = Aucun type de venue coché : le comptage des nouveaux documents du DMP ne se fera jamais sans clic. Cochez au moins un type si vous voulez qu'il se fasse à l'ouverture du dossier.
settings-typed-issue-kinds-duplicate = Un type de venue apparaît deux fois dans « { $field } ». Ne gardez chaque type qu'une fois.
settings-typed-issue-since-format = La date de début du comptage n'est pas une date valide. Saisissez-la sous la forme AAAA-MM-JJ, par exemple 2026-01-05.
settings-typed-issue-since-future = La date de début du comptage est dans le futur : aucun document ne serait compté comme nouveau. Choisissez aujourd'hui ou une date passée.
settings-typed-issue-since-too-old = La date de début du comptage est antérieure au DMP (août 2004) : c'est sans doute une erreur de saisie. Choisissez une date plus récente.
settings-typed-issue-legacy = L'ancien paramètre « { $field } » n'est pas reconnu par cette version : il est conservé tel quel, sans effet. Prévenez le service informatique s'il devait servir.
settings-typed-error-stale = Les paramètres ont été modifiés sur un autre poste depuis que vous les avez ouverts : votre enregistrement est refusé pour ne pas écraser ces changements. Rechargez les paramètres, puis refaites vos modifications.
settings-typed-error-invalid = Des valeurs des paramètres ne sont pas valides : rien n'a été modifié. Corrigez les valeurs signalées, puis recommencez.
settings-typed-error-newer = Ce fichier de paramètres a été écrit par une version plus récente de Chevet : il n'a pas été importé. Mettez Chevet à jour sur ce poste, ou exportez les paramètres depuis la même version.
settings-typed-error-format = Ce fichier n'est pas un fichier de paramètres Chevet lisible (valeur inconnue ou texte mal formé) : rien n'a été importé. Vérifiez le fichier, ou exportez-le de nouveau depuis Chevet.
settings-typed-error-file = Le fichier de paramètres n'a pas pu être lu ou écrit. Vérifiez le chemin et les droits du dossier, puis recommencez.
settings-typed-error-stored = Les paramètres enregistrés sont illisibles : les valeurs par défaut sont utilisées. Prévenez le service informatique.

# issue 18 — indicators screen
indicators-menu = Indicateurs
indicators-menu-help = Les indicateurs d'usage (Ségur) par site, type de document et mois : graphiques et export CSV.
indicators-title = Indicateurs d'usage
indicators-sites = Sites :
indicators-types = Types de document :
indicators-from = Du mois
indicators-to = au mois
indicators-all = Tous
indicators-refresh = Actualiser
indicators-export-csv = Exporter en CSV
indicators-computing = Calcul des indicateurs…
indicators-summary = { $rows } lignes (site × type × mois), calculées en { $ms } ms.
indicators-exported = Indicateurs exportés : { $path }
indicators-chart-saved = Image enregistrée : { $path }
indicators-no-data = Aucun indicateur pour cette période. Choisissez une autre période ou d'autres sites, puis cliquez sur « Actualiser ».
indicators-no-rows = Aucune ligne pour ces filtres.
indicators-chart-bars = Par mois et par type :
indicators-chart-trend = Évolution mensuelle
indicators-choose = Indicateurs affichés
indicators-export-image-bars = Exporter l'image (par type)
indicators-export-image-trend = Exporter l'image (évolution)
indicators-type-none = Sans type de document
indicators-col-site = Site (FINESS géographique)
indicators-col-type = Type de document
indicators-col-month = Mois
indicators-chart-image-invalid = L'image du graphique n'a pas pu être fabriquée (capture d'écran incomplète). Réessayez ; si cela recommence, prévenez le service informatique.
indicators-chart-image-write-failed = L'image du graphique n'a pas pu être écrite dans le dossier des exports. Vérifiez la place disque et les droits du dossier, puis réessayez.
indicators-chart-image-no-screenshot = La capture de la fenêtre n'est pas arrivée : l'image n'a pas été enregistrée. Laissez la fenêtre visible et réessayez.
indicators-month-1 = janv.
indicators-month-2 = févr.
indicators-month-3 = mars
indicators-month-4 = avr.
indicators-month-5 = mai
indicators-month-6 = juin
indicators-month-7 = juil.
indicators-month-8 = août
indicators-month-9 = sept.
indicators-month-10 = oct.
indicators-month-11 = nov.
indicators-month-12 = déc.
indicators-totals = Totaux de la période :
indicators-bar-kind = Indicateur des barres

# issue 18 — indicateurs : calcul, export CSV
indicators-kind-documents-produits = Documents produits
indicators-kind-dmp-alimentes = Documents versés au DMP
indicators-kind-dmp-acquittes = Versements DMP acquittés
indicators-kind-mss-envoyes = Documents envoyés par MSSanté
indicators-kind-mss-distribues = Envois MSSanté distribués
indicators-kind-mss-lus = Envois MSSanté lus
indicators-kind-recus = Documents reçus
indicators-kind-recus-integres-auto = Reçus intégrés automatiquement
indicators-kind-recus-rapproches-main = Reçus rapprochés à la main
indicators-kind-dmp-consultations = Consultations du DMP
indicators-kind-dmp-bris-de-glace = Consultations du DMP en bris de glace
indicators-kind-changements-visibilite = Changements de visibilité
indicators-csv-site = FINESS géographique
indicators-csv-type-code = Type de document (code)
indicators-csv-type-label = Type de document
indicators-csv-month = Mois
indicators-csv-total = Total
indicators-error-degraded = Les indicateurs ne peuvent pas être calculés tant que le dossier partagé de l'établissement est injoignable : ce poste ne connaît que les dossiers qu'il a ouverts, les chiffres seraient partiels. Réessayez quand la connexion est rétablie.
indicators-error-period = La période choisie se termine avant de commencer. Choisissez un mois de fin postérieur au mois de début.
indicators-error-write = Le fichier des indicateurs n'a pas pu être écrit dans le dossier des exports. Vérifiez l'espace disque et les droits du dossier, puis réessayez.

# issue 18 — backup and restore
menu-backups = Sauvegardes
menu-backups-help = Sauvegarder la base de ce poste, la phrase de passe de sauvegarde, la restauration
backup-title = Sauvegardes
backup-establishment = En mode établissement, le dossier partagé est sauvegardé sur le serveur PostgreSQL (voir le guide de déploiement) ; le cache chiffré de ce poste ne se sauvegarde pas.
backup-no-escrow = Aucune phrase de passe de sauvegarde n'est définie : aucune sauvegarde ne pourrait être restaurée sur un autre poste. Définissez-la ci-dessous.
backup-escrow-stale = La phrase de passe de sauvegarde protège une ancienne clé de la base : définissez-la de nouveau avant de sauvegarder.
backup-created = Sauvegarde { $name } écrite et vérifiée.
backup-passphrase-set = Phrase de passe de sauvegarde enregistrée. Notez-la et rangez-la en lieu sûr : elle n'est conservée nulle part.
backup-running = Sauvegarde en cours : Chevet reste utilisable.
backup-cancel = Annuler la sauvegarde
backup-now = Sauvegarder maintenant
backup-where = Les sauvegardes sont écrites dans { $dir } : copiez ces dossiers sur le système de sauvegarde de l'établissement.
backup-list = Sauvegardes de ce poste
backup-none = Aucune sauvegarde pour l'instant.
backup-col-name = Sauvegarde
backup-col-date = Date
backup-col-age = Âge
backup-col-size = Taille
backup-col-verified = Intégrité
backup-age = { $days ->
    [0] aujourd'hui
    [1] hier
   *[other] il y a { $days } jours
}
backup-size-mib = { $mib } Mio
backup-verified = vérifiée
backup-not-verified = altérée : ne pas utiliser
backup-unchecked = non vérifiée
backup-passphrase-title = Phrase de passe de sauvegarde
backup-passphrase-set-at = Définie le { $at } (UTC).
backup-passphrase-none = Pas encore définie.
backup-passphrase-help = Elle chiffre la clé de la base copiée dans chaque sauvegarde ; elle sera demandée pour restaurer. Au moins 16 caractères ; en dessous de 20, trois types parmi minuscules, majuscules, chiffres et autres. Elle n'est conservée nulle part : notez-la et rangez-la en lieu sûr.
backup-passphrase = Phrase de passe de sauvegarde
backup-passphrase-confirm = Confirmer la phrase de passe
backup-passphrase-strong = Phrase de passe suffisamment robuste.
backup-passphrase-confirm-needed = Saisissez-la une seconde fois pour confirmer.
backup-passphrase-save = Enregistrer la phrase de passe
backup-restore-title = Restaurer sur un autre poste
backup-restore-help = Copiez le dossier de la sauvegarde sur le poste, puis lancez la commande ci-dessous dans un terminal et saisissez la phrase de passe de sauvegarde. Le nouveau dossier de données doit être vide ; la base y reçoit une nouvelle clé, gardée dans le trousseau de ce poste.
backup-restore-command = La commande de restauration (à lancer sur le poste cible)
backup-restore-new-dir = NOUVEAU_DOSSIER
backup-error-busy = La base est occupée : réessayez la sauvegarde dans un instant.
backup-error-database = La copie de la base a échoué. Réessayez ; si cela persiste, contactez le support informatique.
backup-error-io = Écriture ou lecture de fichier impossible : vérifiez l'espace disque et les droits du dossier des sauvegardes, puis réessayez.
backup-error-no-escrow = Aucune phrase de passe de sauvegarde n'est définie : un administrateur doit la définir avant toute sauvegarde.
backup-error-escrow-stale = La phrase de passe de sauvegarde protège une ancienne clé de la base : définissez-la de nouveau.
backup-error-passphrase-short = Phrase de passe trop courte : au moins 16 caractères.
backup-error-passphrase-simple = Phrase de passe trop simple : mélangez minuscules, majuscules, chiffres et autres caractères, ou allongez-la (20 caractères ou plus).
backup-error-passphrase-mismatch = Les deux phrases de passe diffèrent : saisissez-les de nouveau.
backup-error-wrong-passphrase = Phrase de passe de sauvegarde incorrecte : ce n'est pas celle qui protégeait cette sauvegarde.
backup-error-cancelled = Sauvegarde annulée : rien n'a été écrit.
backup-error-corrupt = La copie de la base ne correspond plus à son empreinte SHA-256 : cette sauvegarde est altérée, utilisez-en une autre.
backup-error-manifest = Le fichier manifest.json de cette sauvegarde est illisible : ce n'est pas une sauvegarde Chevet ou elle est endommagée.
backup-error-too-new = Cette sauvegarde vient d'une version plus récente de Chevet : installez cette version avant de la restaurer.
backup-error-target-not-empty = Le dossier de données cible n'est pas vide : indiquez un dossier vide ou inexistant.
backup-error-establishment = En mode établissement, le dossier partagé se sauvegarde sur le serveur PostgreSQL, pas depuis un poste.

# issue 18 — backup and restore (automatic backups)
backup-auto-help = Tant que la phrase de passe est définie, Chevet sauvegarde aussi tout seul chaque jour (les 7 dernières sauvegardes automatiques sont gardées).
