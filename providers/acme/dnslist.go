package acme

import (
	"github.com/go-acme/lego/v4/challenge"
	"github.com/go-acme/lego/v4/providers/dns/acmedns"
	"github.com/go-acme/lego/v4/providers/dns/active24"
	"github.com/go-acme/lego/v4/providers/dns/alwaysdata"
	"github.com/go-acme/lego/v4/providers/dns/anexia"
	"github.com/go-acme/lego/v4/providers/dns/artfiles"
	"github.com/go-acme/lego/v4/providers/dns/arvancloud"
	"github.com/go-acme/lego/v4/providers/dns/autodns"
	"github.com/go-acme/lego/v4/providers/dns/axelname"
	"github.com/go-acme/lego/v4/providers/dns/beget"
	"github.com/go-acme/lego/v4/providers/dns/binarylane"
	"github.com/go-acme/lego/v4/providers/dns/bluecat"
	"github.com/go-acme/lego/v4/providers/dns/bluecatv2"
	"github.com/go-acme/lego/v4/providers/dns/bookmyname"
	"github.com/go-acme/lego/v4/providers/dns/brandit"
	"github.com/go-acme/lego/v4/providers/dns/checkdomain"
	"github.com/go-acme/lego/v4/providers/dns/civo"
	"github.com/go-acme/lego/v4/providers/dns/clouddns"
	"github.com/go-acme/lego/v4/providers/dns/cloudflare"
	"github.com/go-acme/lego/v4/providers/dns/cloudns"
	"github.com/go-acme/lego/v4/providers/dns/cloudru"
	"github.com/go-acme/lego/v4/providers/dns/cloudxns"
	"github.com/go-acme/lego/v4/providers/dns/com35"
	"github.com/go-acme/lego/v4/providers/dns/conoha"
	"github.com/go-acme/lego/v4/providers/dns/conohav3"
	"github.com/go-acme/lego/v4/providers/dns/corenetworks"
	"github.com/go-acme/lego/v4/providers/dns/cpanel"
	"github.com/go-acme/lego/v4/providers/dns/czechia"
	"github.com/go-acme/lego/v4/providers/dns/ddnss"
	"github.com/go-acme/lego/v4/providers/dns/derak"
	"github.com/go-acme/lego/v4/providers/dns/digitalocean"
	"github.com/go-acme/lego/v4/providers/dns/directadmin"
	"github.com/go-acme/lego/v4/providers/dns/dnsexit"
	"github.com/go-acme/lego/v4/providers/dns/dnshomede"
	"github.com/go-acme/lego/v4/providers/dns/dnsmadeeasy"
	"github.com/go-acme/lego/v4/providers/dns/dode"
	"github.com/go-acme/lego/v4/providers/dns/domeneshop"
	"github.com/go-acme/lego/v4/providers/dns/dreamhost"
	"github.com/go-acme/lego/v4/providers/dns/duckdns"
	"github.com/go-acme/lego/v4/providers/dns/dyn"
	"github.com/go-acme/lego/v4/providers/dns/dyndnsfree"
	"github.com/go-acme/lego/v4/providers/dns/dynu"
	"github.com/go-acme/lego/v4/providers/dns/easydns"
	"github.com/go-acme/lego/v4/providers/dns/edgecenter"
	"github.com/go-acme/lego/v4/providers/dns/efficientip"
	"github.com/go-acme/lego/v4/providers/dns/epik"
	"github.com/go-acme/lego/v4/providers/dns/eurodns"
	"github.com/go-acme/lego/v4/providers/dns/excedo"
	"github.com/go-acme/lego/v4/providers/dns/f5xc"
	"github.com/go-acme/lego/v4/providers/dns/gandi"
	"github.com/go-acme/lego/v4/providers/dns/gandiv5"
	"github.com/go-acme/lego/v4/providers/dns/gcore"
	"github.com/go-acme/lego/v4/providers/dns/glesys"
	"github.com/go-acme/lego/v4/providers/dns/godaddy"
	"github.com/go-acme/lego/v4/providers/dns/googledomains"
	"github.com/go-acme/lego/v4/providers/dns/hetzner"
	"github.com/go-acme/lego/v4/providers/dns/hostingde"
	"github.com/go-acme/lego/v4/providers/dns/hostinger"
	"github.com/go-acme/lego/v4/providers/dns/hostingnl"
	"github.com/go-acme/lego/v4/providers/dns/hosttech"
	"github.com/go-acme/lego/v4/providers/dns/httpnet"
	"github.com/go-acme/lego/v4/providers/dns/httpreq"
	"github.com/go-acme/lego/v4/providers/dns/hyperone"
	"github.com/go-acme/lego/v4/providers/dns/infomaniak"
	"github.com/go-acme/lego/v4/providers/dns/internetbs"
	"github.com/go-acme/lego/v4/providers/dns/ionos"
	"github.com/go-acme/lego/v4/providers/dns/ionoscloud"
	"github.com/go-acme/lego/v4/providers/dns/ipv64"
	"github.com/go-acme/lego/v4/providers/dns/ispconfig"
	"github.com/go-acme/lego/v4/providers/dns/ispconfigddns"
	"github.com/go-acme/lego/v4/providers/dns/iwantmyname"
	"github.com/go-acme/lego/v4/providers/dns/joker"
	"github.com/go-acme/lego/v4/providers/dns/keyhelp"
	"github.com/go-acme/lego/v4/providers/dns/leaseweb"
	"github.com/go-acme/lego/v4/providers/dns/limacity"
	"github.com/go-acme/lego/v4/providers/dns/loopia"
	"github.com/go-acme/lego/v4/providers/dns/luadns"
	"github.com/go-acme/lego/v4/providers/dns/manageengine"
	"github.com/go-acme/lego/v4/providers/dns/metaregistrar"
	"github.com/go-acme/lego/v4/providers/dns/mijnhost"
	"github.com/go-acme/lego/v4/providers/dns/mittwald"
	"github.com/go-acme/lego/v4/providers/dns/myaddr"
	"github.com/go-acme/lego/v4/providers/dns/mydnsjp"
	"github.com/go-acme/lego/v4/providers/dns/mythicbeasts"
	"github.com/go-acme/lego/v4/providers/dns/namecheap"
	"github.com/go-acme/lego/v4/providers/dns/namesurfer"
	"github.com/go-acme/lego/v4/providers/dns/nearlyfreespeech"
	"github.com/go-acme/lego/v4/providers/dns/neodigit"
	"github.com/go-acme/lego/v4/providers/dns/netcup"
	"github.com/go-acme/lego/v4/providers/dns/netlify"
	"github.com/go-acme/lego/v4/providers/dns/netnod"
	"github.com/go-acme/lego/v4/providers/dns/nicru"
	"github.com/go-acme/lego/v4/providers/dns/nifcloud"
	"github.com/go-acme/lego/v4/providers/dns/njalla"
	"github.com/go-acme/lego/v4/providers/dns/onecloudru"
	"github.com/go-acme/lego/v4/providers/dns/onlinenet"
	"github.com/go-acme/lego/v4/providers/dns/otc"
	"github.com/go-acme/lego/v4/providers/dns/pdns"
	"github.com/go-acme/lego/v4/providers/dns/plesk"
	"github.com/go-acme/lego/v4/providers/dns/rackspace"
	"github.com/go-acme/lego/v4/providers/dns/rainyun"
	"github.com/go-acme/lego/v4/providers/dns/rcodezero"
	"github.com/go-acme/lego/v4/providers/dns/regru"
	"github.com/go-acme/lego/v4/providers/dns/rfc2136"
	"github.com/go-acme/lego/v4/providers/dns/rimuhosting"
	"github.com/go-acme/lego/v4/providers/dns/safedns"
	"github.com/go-acme/lego/v4/providers/dns/selectel"
	"github.com/go-acme/lego/v4/providers/dns/selfhostde"
	"github.com/go-acme/lego/v4/providers/dns/servercow"
	"github.com/go-acme/lego/v4/providers/dns/shellrent"
	"github.com/go-acme/lego/v4/providers/dns/simply"
	"github.com/go-acme/lego/v4/providers/dns/sonic"
	"github.com/go-acme/lego/v4/providers/dns/spaceship"
	"github.com/go-acme/lego/v4/providers/dns/stackpath"
	"github.com/go-acme/lego/v4/providers/dns/syse"
	"github.com/go-acme/lego/v4/providers/dns/technitium"
	"github.com/go-acme/lego/v4/providers/dns/timewebcloud"
	"github.com/go-acme/lego/v4/providers/dns/todaynic"
	"github.com/go-acme/lego/v4/providers/dns/uniteddomains"
	"github.com/go-acme/lego/v4/providers/dns/variomedia"
	"github.com/go-acme/lego/v4/providers/dns/vercel"
	"github.com/go-acme/lego/v4/providers/dns/versio"
	"github.com/go-acme/lego/v4/providers/dns/virtualname"
	"github.com/go-acme/lego/v4/providers/dns/vscale"
	"github.com/go-acme/lego/v4/providers/dns/webnames"
	"github.com/go-acme/lego/v4/providers/dns/webnamesca"
	"github.com/go-acme/lego/v4/providers/dns/websupport"
	"github.com/go-acme/lego/v4/providers/dns/wedos"
	"github.com/go-acme/lego/v4/providers/dns/westcn"
	"github.com/go-acme/lego/v4/providers/dns/yandex"
	"github.com/go-acme/lego/v4/providers/dns/yandex360"
	"github.com/go-acme/lego/v4/providers/dns/zoneedit"
	"github.com/go-acme/lego/v4/providers/dns/zoneee"
	"github.com/go-acme/lego/v4/providers/dns/zonomi"
)

// dnsProviders are the lego DNS providers built into certform, by the
// names lego gives them (`lego --dns NAME`): those that need no Go module
// beyond what certform builds anyway (see dnsproviders.go). When lego is
// upgraded, TestDNSProvidersFollowLego says what to add or move.
var dnsProviders = map[string]func() (challenge.Provider, error){
	"acme-dns":         provider(acmedns.NewDNSProvider),
	"acmedns":          provider(acmedns.NewDNSProvider),
	"active24":         provider(active24.NewDNSProvider),
	"alwaysdata":       provider(alwaysdata.NewDNSProvider),
	"anexia":           provider(anexia.NewDNSProvider),
	"artfiles":         provider(artfiles.NewDNSProvider),
	"arvancloud":       provider(arvancloud.NewDNSProvider),
	"autodns":          provider(autodns.NewDNSProvider),
	"axelname":         provider(axelname.NewDNSProvider),
	"beget":            provider(beget.NewDNSProvider),
	"binarylane":       provider(binarylane.NewDNSProvider),
	"bluecat":          provider(bluecat.NewDNSProvider),
	"bluecatv2":        provider(bluecatv2.NewDNSProvider),
	"bookmyname":       provider(bookmyname.NewDNSProvider),
	"brandit":          provider(brandit.NewDNSProvider),
	"checkdomain":      provider(checkdomain.NewDNSProvider),
	"civo":             provider(civo.NewDNSProvider),
	"clouddns":         provider(clouddns.NewDNSProvider),
	"cloudflare":       provider(cloudflare.NewDNSProvider),
	"cloudns":          provider(cloudns.NewDNSProvider),
	"cloudru":          provider(cloudru.NewDNSProvider),
	"cloudxns":         provider(cloudxns.NewDNSProvider),
	"com35":            provider(com35.NewDNSProvider),
	"conoha":           provider(conoha.NewDNSProvider),
	"conohav3":         provider(conohav3.NewDNSProvider),
	"corenetworks":     provider(corenetworks.NewDNSProvider),
	"cpanel":           provider(cpanel.NewDNSProvider),
	"czechia":          provider(czechia.NewDNSProvider),
	"ddnss":            provider(ddnss.NewDNSProvider),
	"derak":            provider(derak.NewDNSProvider),
	"digitalocean":     provider(digitalocean.NewDNSProvider),
	"directadmin":      provider(directadmin.NewDNSProvider),
	"dnsexit":          provider(dnsexit.NewDNSProvider),
	"dnshomede":        provider(dnshomede.NewDNSProvider),
	"dnsmadeeasy":      provider(dnsmadeeasy.NewDNSProvider),
	"dnsupdate":        provider(rfc2136.NewDNSProvider),
	"dode":             provider(dode.NewDNSProvider),
	"domainnameshop":   provider(domeneshop.NewDNSProvider),
	"domeneshop":       provider(domeneshop.NewDNSProvider),
	"dreamhost":        provider(dreamhost.NewDNSProvider),
	"duckdns":          provider(duckdns.NewDNSProvider),
	"dyn":              provider(dyn.NewDNSProvider),
	"dyndnsfree":       provider(dyndnsfree.NewDNSProvider),
	"dynu":             provider(dynu.NewDNSProvider),
	"easydns":          provider(easydns.NewDNSProvider),
	"edgecenter":       provider(edgecenter.NewDNSProvider),
	"efficientip":      provider(efficientip.NewDNSProvider),
	"epik":             provider(epik.NewDNSProvider),
	"eurodns":          provider(eurodns.NewDNSProvider),
	"excedo":           provider(excedo.NewDNSProvider),
	"f5xc":             provider(f5xc.NewDNSProvider),
	"gandi":            provider(gandi.NewDNSProvider),
	"gandiv5":          provider(gandiv5.NewDNSProvider),
	"gcore":            provider(gcore.NewDNSProvider),
	"glesys":           provider(glesys.NewDNSProvider),
	"godaddy":          provider(godaddy.NewDNSProvider),
	"googledomains":    provider(googledomains.NewDNSProvider),
	"hetzner":          provider(hetzner.NewDNSProvider),
	"hostingde":        provider(hostingde.NewDNSProvider),
	"hostinger":        provider(hostinger.NewDNSProvider),
	"hostingnl":        provider(hostingnl.NewDNSProvider),
	"hosttech":         provider(hosttech.NewDNSProvider),
	"httpnet":          provider(httpnet.NewDNSProvider),
	"httpreq":          provider(httpreq.NewDNSProvider),
	"hyperone":         provider(hyperone.NewDNSProvider),
	"infomaniak":       provider(infomaniak.NewDNSProvider),
	"internetbs":       provider(internetbs.NewDNSProvider),
	"ionos":            provider(ionos.NewDNSProvider),
	"ionoscloud":       provider(ionoscloud.NewDNSProvider),
	"ipv64":            provider(ipv64.NewDNSProvider),
	"ispconfig":        provider(ispconfig.NewDNSProvider),
	"ispconfigddns":    provider(ispconfigddns.NewDNSProvider),
	"iwantmyname":      provider(iwantmyname.NewDNSProvider),
	"joker":            provider(joker.NewDNSProvider),
	"keyhelp":          provider(keyhelp.NewDNSProvider),
	"leaseweb":         provider(leaseweb.NewDNSProvider),
	"limacity":         provider(limacity.NewDNSProvider),
	"loopia":           provider(loopia.NewDNSProvider),
	"luadns":           provider(luadns.NewDNSProvider),
	"manageengine":     provider(manageengine.NewDNSProvider),
	"metaregistrar":    provider(metaregistrar.NewDNSProvider),
	"mijnhost":         provider(mijnhost.NewDNSProvider),
	"mittwald":         provider(mittwald.NewDNSProvider),
	"myaddr":           provider(myaddr.NewDNSProvider),
	"mydnsjp":          provider(mydnsjp.NewDNSProvider),
	"mythicbeasts":     provider(mythicbeasts.NewDNSProvider),
	"namecheap":        provider(namecheap.NewDNSProvider),
	"namesurfer":       provider(namesurfer.NewDNSProvider),
	"nearlyfreespeech": provider(nearlyfreespeech.NewDNSProvider),
	"neodigit":         provider(neodigit.NewDNSProvider),
	"netcup":           provider(netcup.NewDNSProvider),
	"netlify":          provider(netlify.NewDNSProvider),
	"netnod":           provider(netnod.NewDNSProvider),
	"nicru":            provider(nicru.NewDNSProvider),
	"nifcloud":         provider(nifcloud.NewDNSProvider),
	"njalla":           provider(njalla.NewDNSProvider),
	"onecloudru":       provider(onecloudru.NewDNSProvider),
	"onlinenet":        provider(onlinenet.NewDNSProvider),
	"otc":              provider(otc.NewDNSProvider),
	"pdns":             provider(pdns.NewDNSProvider),
	"plesk":            provider(plesk.NewDNSProvider),
	"rackspace":        provider(rackspace.NewDNSProvider),
	"rainyun":          provider(rainyun.NewDNSProvider),
	"rcodezero":        provider(rcodezero.NewDNSProvider),
	"regru":            provider(regru.NewDNSProvider),
	"rfc2136":          provider(rfc2136.NewDNSProvider),
	"rimuhosting":      provider(rimuhosting.NewDNSProvider),
	"safedns":          provider(safedns.NewDNSProvider),
	"selectel":         provider(selectel.NewDNSProvider),
	"selfhostde":       provider(selfhostde.NewDNSProvider),
	"servercow":        provider(servercow.NewDNSProvider),
	"shellrent":        provider(shellrent.NewDNSProvider),
	"simply":           provider(simply.NewDNSProvider),
	"sonic":            provider(sonic.NewDNSProvider),
	"spaceship":        provider(spaceship.NewDNSProvider),
	"stackpath":        provider(stackpath.NewDNSProvider),
	"syse":             provider(syse.NewDNSProvider),
	"technitium":       provider(technitium.NewDNSProvider),
	"timewebcloud":     provider(timewebcloud.NewDNSProvider),
	"todaynic":         provider(todaynic.NewDNSProvider),
	"uniteddomains":    provider(uniteddomains.NewDNSProvider),
	"variomedia":       provider(variomedia.NewDNSProvider),
	"vercel":           provider(vercel.NewDNSProvider),
	"versio":           provider(versio.NewDNSProvider),
	"virtualname":      provider(virtualname.NewDNSProvider),
	"vscale":           provider(vscale.NewDNSProvider),
	"webnames":         provider(webnames.NewDNSProvider),
	"webnamesca":       provider(webnamesca.NewDNSProvider),
	"webnamesru":       provider(webnames.NewDNSProvider),
	"websupport":       provider(websupport.NewDNSProvider),
	"wedos":            provider(wedos.NewDNSProvider),
	"westcn":           provider(westcn.NewDNSProvider),
	"yandex":           provider(yandex.NewDNSProvider),
	"yandex360":        provider(yandex360.NewDNSProvider),
	"zoneedit":         provider(zoneedit.NewDNSProvider),
	"zoneee":           provider(zoneee.NewDNSProvider),
	"zonomi":           provider(zonomi.NewDNSProvider),
}

// legoOnlyDNSProviders are lego's other DNS providers, which certform does
// not build in: each needs Go modules of its own, mostly a vendor's SDK
// (see dnsproviders.go), or, for "manual", a person at a prompt.
var legoOnlyDNSProviders = []string{
	"alidns", "aliesa", "allinkl", "auroradns", "azion", "azure", "azuredns",
	"baiducloud", "bindman", "bunny", "constellix", "desec", "designate",
	"dnsimple", "dnspod", "edgedns", "edgeone", "exoscale", "fastdns",
	"freemyip", "gcloud", "gigahostno", "gravity", "huaweicloud", "hurricane",
	"ibmcloud", "iij", "iijdpf", "infoblox", "inwx", "jdcloud", "liara",
	"lightsail", "linode", "linodev4", "liquidweb", "mailinabox", "manual",
	"metaname", "namedotcom", "namesilo", "nicmanager", "nodion", "ns1",
	"octenium", "oraclecloud", "ovh", "porkbun", "regfish", "route53",
	"sakuracloud", "scaleway", "selectelv2", "tencentcloud", "transip",
	"ucloud", "ultradns", "vegadns", "vinyldns", "vkcloud", "volcengine",
	"vultr", "yandexcloud",
}
