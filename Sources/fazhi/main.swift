import FazhiApp
await FazhiMain.run()
