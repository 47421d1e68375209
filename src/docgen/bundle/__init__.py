"""Bundles for inspection: filed records as one self-checking BagIt zip (RFC 8493).

    report = make_bundle(Archive("archive"), "2011.zip", BundleOptions(year=2011))
    verify_bundle("2011.zip")          # raises VerifyFailed naming every problem

Inside the zip, one bag folder made by the Library of Congress `bagit` library; its data/
holds <年度>/<机构代码>/<档号>/ per 件, the 归档文件目录 (.xlsx, .pdf), the 合订本.pdf, the
audit entries of the bundled records and a 说明.txt.
"""

from docgen.bundle.make import BundleOptions, BundleReport, make_bundle
from docgen.bundle.verify import BundleCheck, VerifyLimits, check_bag, check_bundle, verify_bundle

__all__ = ["BundleOptions", "BundleReport", "make_bundle", "BundleCheck", "VerifyLimits",
           "check_bag", "check_bundle", "verify_bundle"]
