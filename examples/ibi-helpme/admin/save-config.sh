#!/bin/sh
# Stands for "save the configuration file" in the IBI-helpMe admin (step 8
# of the guide): the admin writes the configuration again, encrypted with
# the active pair. Here it records which pair that is.
set -e
active=$(sed -n 's/^ActiveCertificate *= *//p' admin/helpme-admin.ini)
echo "configuration saved, encrypted with $active" >> admin/saved.log
echo "saved with $active"
