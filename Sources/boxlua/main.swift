// The boxlua command line; replaced by the real one (issue 2).
print("boxlua")
